import { NotFoundNote } from '@/components/ui/not-found-note.tsx';

/** A job, run, league or tournament that does not exist (`notFound()` in its page), inside the dashboard's frame. */
export default function DashboardNotFound() {
  return <NotFoundNote title="Not found" hint="Nothing here has that name or id. A run may have been removed by the retention clean-up." />;
}
