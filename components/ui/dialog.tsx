'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './button.tsx';

interface DialogProps {
  /** The dialog's name: its heading, and what a screen reader announces when it opens. */
  title: string;
  /** Closed by Escape, a close button, or the owner (`open` turning false or unmounting). */
  onClose: () => void;
  open?: boolean;
  /** Next to the title (e.g. "Edit as JSON"). */
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}

/**
 * Every dialog of the dashboard: the native `<dialog>` opened with `showModal()`, so the
 * browser moves focus in, keeps Tab inside (the page behind is inert) and closes on Escape.
 * Focus goes to the element marked `data-autofocus`, else to the first control; when the
 * dialog closes (or its owner unmounts it) focus goes back to what had it before.
 */
export function Dialog({ title, onClose, open = true, actions, children, className = 'max-w-lg' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // Closing restores focus only while the dialog is in the document; an owner that
      // unmounts it (the usual way here) would leave focus on <body>. When the opener is
      // gone too (a deleted row), the main content is the next best place.
      if (returnTo?.isConnected) returnTo.focus();
      else document.getElementById('main')?.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-modal="true"
      onClose={() => onCloseRef.current()}
      className={`m-auto w-full rounded-lg bg-surface p-0 text-fg shadow-xl ring-1 ring-line-strong ${className}`}
    >
      <div className="space-y-4 p-5">
        <div className="flex items-center justify-between gap-3">
          <h2 id={titleId} className="truncate text-base font-semibold" title={title}>
            {title}
          </h2>
          {actions}
        </div>
        {children}
      </div>
    </dialog>
  );
}

/** "Are you sure?" for what cannot be undone; focus starts on Cancel. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onCancel,
  pending = false,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
}) {
  return (
    <Dialog title={title} onClose={onCancel} className="max-w-md">
      <div className="text-sm text-muted">{message}</div>
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm} disabled={pending}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
