/**
 * What the machine's ffmpeg can encode, for tests that run the real one. Homebrew's plain `ffmpeg`
 * formula (macOS) is built without libvorbis, so it cannot write ogg; CI installs ffmpeg-full
 * there, and these helpers only let a developer's Mac with the plain formula pass the other checks.
 */

const encoderLists = new Map<string, Promise<string>>();

/** Whether `ffmpeg -encoders` of the given program lists libvorbis (asked once per program). */
export async function hasVorbisEncoder(ffmpeg = "ffmpeg"): Promise<boolean> {
  let list = encoderLists.get(ffmpeg);
  if (list === undefined) {
    list = new Deno.Command(ffmpeg, {
      args: ["-hide_banner", "-encoders"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output().then((output) => new TextDecoder().decode(output.stdout));
    encoderLists.set(ffmpeg, list);
  }
  // " A....D libvorbis            libvorbis (codec vorbis)"
  return /^\s*A\S{5}\s+libvorbis\s/m.test(await list);
}

/** Whether a doctor ffmpeg detail names the ogg (libvorbis) encoder as missing, and no other. */
export function onlyVorbisMissing(detail: string): boolean {
  return / cannot encode ogg \(libvorbis\)$/.test(detail.trim());
}
