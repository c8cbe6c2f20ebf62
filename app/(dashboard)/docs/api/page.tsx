import type { Metadata } from 'next';
import { ApiReference } from '@/components/docs/api-reference.tsx';

export const metadata: Metadata = { title: 'API reference' };

export default function ApiReferencePage() {
  return (
    <div>
      <h1 className="mb-1 text-xl font-semibold">API reference</h1>
      <p className="mb-4 text-sm text-muted">
        Every route of the JSON API, generated from the schemas the routes validate with. Scripts authenticate with an API key
        (<code>Authorization: Bearer &lt;key&gt;</code>). The document itself:{' '}
        <a className="underline" href="/api/openapi.json">
          /api/openapi.json
        </a>
        .
      </p>
      <ApiReference />
    </div>
  );
}
