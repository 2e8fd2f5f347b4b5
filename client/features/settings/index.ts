export { RepositoriesPage } from "./components/repositories-page";
export { RepositoryPage } from "./components/repository-page";
export { SecretsPage } from "./components/secrets-page";
export { SettingsIndex, SettingsLayout } from "./components/settings-layout";
export { TokensPage } from "./components/tokens-page";
export { UsersPage } from "./components/users-page";
