import type { ReactNode } from 'react';

/** The tones of app/globals.css: each has a text colour, a soft fill, an edge and a solid. */
export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'special';

const tones: Record<Tone, string> = {
  neutral: 'bg-neutral-soft text-neutral ring-neutral-line',
  info: 'bg-info-soft text-info ring-info-line',
  success: 'bg-success-soft text-success ring-success-line',
  warning: 'bg-warning-soft text-warning ring-warning-line',
  danger: 'bg-danger-soft text-danger ring-danger-line',
  special: 'bg-special-soft text-special ring-special-line',
};

export const solidTones: Record<Tone, string> = {
  neutral: 'bg-neutral-solid',
  info: 'bg-info-solid',
  success: 'bg-success-solid',
  warning: 'bg-warning-solid',
  danger: 'bg-danger-solid',
  special: 'bg-special-solid',
};

/** A pill whose text says the state; the tone only repeats it. */
export function Badge({ tone, children, className = '', ...props }: { tone: Tone; children: ReactNode; className?: string } & Record<`data-${string}`, string>) {
  return (
    <span className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]} ${className}`} {...props}>
      {children}
    </span>
  );
}

/** A small square tag (disabled, paused, a role). */
export function Tag({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`rounded px-1.5 py-0.5 text-[11px] font-medium ${tones[tone]}`}>{children}</span>;
}
