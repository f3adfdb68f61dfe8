// pulumi.runtime.setMocks with a recorder: every registered resource's type, name and inputs, and
// deterministic provider outputs (ids, allocated addresses) so tests can read Outputs.
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** The id the mock provider answered (undefined for components). */
  readonly id: string | undefined;
}

/** The marker Pulumi wraps secret values in when it hands inputs to mocks. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] !== undefined
  );
}

/** Inputs with secret-wrapped values removed: what would be stored and shown in clear. */
export function clearInputs(value: unknown): unknown {
  if (isSecretWrapper(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(clearInputs);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clearInputs(v)]));
  }
  return value;
}

export function unwrap(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

export function installMocks(): Recorded[] {
  const recorded: Recorded[] = [];
  let nextId = 1000;
  let nextFloating = 1;
  let nextPrimary = 1;
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        const id = args.id && args.id !== "" ? args.id : String(nextId++);
        recorded.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          id: args.custom === false ? undefined : id,
        });
        const state: Record<string, unknown> = { ...(args.inputs as Record<string, unknown>) };
        // Provider-computed outputs, from documentation ranges so no test touches a real address.
        if (args.type === "hcloud:index/floatingIp:FloatingIp") state.ipAddress = `192.0.2.${nextFloating++}`;
        if (args.type === "hcloud:index/primaryIp:PrimaryIp")
          state.ipAddress = `198.51.100.${100 + nextPrimary++}`;
        if (args.type === "hcloud:index/server:Server" && args.id) state.ipv4Address = "198.51.100.10";
        return { id: args.custom === false ? undefined : id, state };
      },
      call(args) {
        return args.inputs as Record<string, unknown>;
      },
    },
    "email-engine",
    "test",
    false,
  );
  return recorded;
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

export async function settled(resources: readonly pulumi.Resource[]): Promise<void> {
  await Promise.all(resources.map((r) => promiseOf(r.urn)));
}
