'use client';

import { ApiReferenceReact } from '@scalar/api-reference-react';
import '@scalar/api-reference-react/style.css';
import { useState } from 'react';

/**
 * The API reference, rendered in the browser by Scalar from `/api/openapi.json`. Nothing
 * leaves the app: no web fonts from Scalar's CDN (the app's system fonts instead), no
 * telemetry, no request proxy, no AI agent, no links into Scalar's hosted client.
 */
export function ApiReference() {
  const [dark] = useState(() => typeof window !== 'undefined' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  return (
    <ApiReferenceReact
      configuration={{
        url: '/api/openapi.json',
        withDefaultFonts: false,
        telemetry: false,
        hideClientButton: true,
        showDeveloperTools: 'never',
        agent: { disabled: true },
        forceDarkModeState: dark ? 'dark' : 'light',
        hideDarkModeToggle: true,
        documentDownloadType: 'json',
        customCss: '.scalar-app { --scalar-font: var(--font-sans); --scalar-font-code: var(--font-mono); }',
      }}
    />
  );
}
