import { Serial, Exec, main } from "baton";
import type { NodeParams } from "baton";
const p: NodeParams = {};
main(Serial(p, { a: Exec("x") }));
Exec(5); const q: string = Serial();
