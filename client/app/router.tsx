import { createBrowserRouter } from "react-router";
import { PipelinePage } from "../features/pipeline-page";
import { PipelinesListPage } from "../features/pipelines-list";
import { AppShell } from "./layout/app-shell";
import { NotFoundPage } from "./routes/not-found-page";

export const router = createBrowserRouter([
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <PipelinesListPage /> },
      { path: "pipelines/:id", element: <PipelinePage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
