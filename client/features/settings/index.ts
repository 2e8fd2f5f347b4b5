export { RepositoriesPage } from "./components/repositories-page";
export { RepositoryPage } from "./components/repository-page";
export { SettingsIndex, SettingsLayout } from "./components/settings-layout";
