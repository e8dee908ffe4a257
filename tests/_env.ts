// Finds the services and tools the integration tests need. Outside CI a missing one skips its
// tests with a note; in CI (CI=true) it fails the run, so nothing is silently skipped there.

const inCi = Boolean(Deno.env.get("CI"));

/** A service the tests need: its address, or `ignore` when it is missing outside CI. */
export interface Service {
  value: string;
  ignore: boolean;
}

/** Reads a service address from an environment variable. */
export function service(envName: string, what: string): Service {
  const value = Deno.env.get(envName);
  if (value) return { value, ignore: false };
  if (inCi) throw new Error(`${what} is required in CI: .ci/run must set ${envName}`);
  console.warn(`Skipping the ${what} tests: set ${envName} (see .ci/run)`);
  return { value: "", ignore: true };
}

/** A Python that has Optuna: $OPTUNA_PYTHON, else `python3` if it imports optuna. */
export function optunaPython(): Service {
  const candidates = [Deno.env.get("OPTUNA_PYTHON"), "python3"].filter(Boolean) as string[];
  for (const python of candidates) {
    try {
      const { code } = new Deno.Command(python, {
        args: ["-c", "import optuna"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (code === 0) return { value: python, ignore: false };
    } catch {
      // not installed
    }
  }
  if (inCi) throw new Error("Python Optuna is required in CI: .ci/run must set OPTUNA_PYTHON");
  console.warn("Skipping the live Python Optuna tests: no python3 with optuna (set OPTUNA_PYTHON)");
  return { value: "", ignore: true };
}
