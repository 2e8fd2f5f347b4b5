import { createBrowserRouter } from "react-router";
import { PipelinePage } from "../features/pipeline-page";
import { PipelinesListPage } from "../features/pipelines-list";
import { RepositoriesPage, RepositoryPage, SecretsPage, SettingsIndex, SettingsLayout, TokensPage, UsersPage } from "../features/settings";
import { AppShell } from "./layout/app-shell";
import { NotFoundPage } from "./routes/not-found-page";

export const router = createBrowserRouter([
  {
    path: "/",
    element: <AppShell />,
    children: [
      { index: true, element: <PipelinesListPage /> },
      { path: "pipelines/:id", element: <PipelinePage /> },
      {
        path: "settings",
        element: <SettingsLayout />,
        children: [
          { index: true, element: <SettingsIndex /> },
          { path: "repositories", element: <RepositoriesPage /> },
          { path: "repositories/:id", element: <RepositoryPage /> },
          { path: "secrets", element: <SecretsPage /> },
          { path: "users", element: <UsersPage /> },
          { path: "tokens", element: <TokensPage /> },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
