import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { UserCreate, UserUpdate, UserView } from "../../../../shared/api/api-contract";
import { queries } from "../../../lib/api";
import { createUser, deleteUser, fetchUsers, updateUser } from "../api/users-api";

export function useUsers() {
  return useQuery({ queryKey: queries.users.list(), queryFn: ({ signal }) => fetchUsers(signal) });
}

function useUsersMutation<TInput, TResult>(mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation<TResult, Error, TInput>({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queries.users.list() }),
  });
}

export const useCreateUser = () => useUsersMutation<UserCreate, UserView>(createUser);
export const useUpdateUser = () => useUsersMutation<{ id: number; patch: UserUpdate }, UserView>(({ id, patch }) => updateUser(id, patch));
export const useDeleteUser = () => useUsersMutation<number, void>(deleteUser);
