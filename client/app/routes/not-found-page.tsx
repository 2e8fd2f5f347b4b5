import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <main className="p-8">
      <h1 className="text-lg font-semibold">Nothing here</h1>
      <p className="mt-2 text-sm text-slate-600">
        This address does not name a page. <Link to="/" className="text-blue-700 underline">Back to the pipelines</Link>.
      </p>
    </main>
  );
}
