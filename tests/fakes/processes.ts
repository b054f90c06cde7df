/** Looking at real processes from tests (POSIX). */

/** Whether a pid is a live process (zombies count as gone: they no longer run). */
export function isRunning(pid: number): boolean {
  if (Deno.build.os === "darwin") {
    // macOS has no /proc; ps prints the state ("S", "R+", "Z"...), or nothing for no such pid.
    const output = new Deno.Command("ps", {
      args: ["-o", "stat=", "-p", String(pid)],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const state = new TextDecoder().decode(output.stdout).trim();
    return output.success && state !== "" && !state.startsWith("Z");
  }
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
