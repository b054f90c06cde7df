/*
 * The bench's stand-in for yt-dlp, ffmpeg and ffprobe, compiled when a C compiler is at hand
 * (bench/fake_tools.ts falls back to bash scripts otherwise). It speaks the same parts of each
 * tool's interface as the bash scripts, but costs about a millisecond of CPU per start where
 * bash, parsing a script with the audio bytes inlined, costs 8 to 16: on a 2-core machine the
 * bash stand-ins took more CPU than tunedl itself, so the bench measured bash.
 *
 * Which tool it is comes from its name (argv[0]); the rest is compiled in:
 *   -DASSETS="dir"   folder with tone.<ext> files (tone.m4a is yt-dlp's download)
 *   -DLOG="file"     yt-dlp appends each URL here (the bench's download count)
 *   -DYTDLP_MS=n -DFFMPEG_MS=n   how long each waits (its share of --work-ms)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void wait_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) == -1 && errno == EINTR) {
  }
}

/* Copies src to dst (created or truncated); 0 on success. */
static int copy_file(const char *src, const char *dst) {
  char buf[65536];
  int in = open(src, O_RDONLY);
  if (in < 0) return -1;
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    close(in);
    return -1;
  }
  ssize_t n;
  int failed = 0;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) {
      failed = 1;
      break;
    }
  }
  if (n < 0) failed = 1;
  close(in);
  if (close(out) != 0) failed = 1;
  return failed ? -1 : 0;
}

static int ytdlp(int argc, char **argv) {
  const char *dir = NULL, *url = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--version") == 0) {
      puts("2023.03.04");
      return 0;
    }
    if (strcmp(argv[i], "--paths") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else if (strcmp(argv[i], "--") == 0) {
      if (i + 1 < argc) url = argv[i + 1];
      break;
    }
  }
  if (dir == NULL || url == NULL) {
    fputs("ERROR: fake yt-dlp needs --paths and a URL\n", stderr);
    return 2;
  }
  int log = open(LOG, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (log >= 0) {
    dprintf(log, "%s\n", url);
    close(log);
  }
  wait_ms(YTDLP_MS);
  char file[4096];
  snprintf(file, sizeof file, "%s/download.m4a", dir);
  if (copy_file(ASSETS "/tone.m4a", file) != 0) return 1;
  printf("tunedl-progress 1000 1000 NA 1000000 0\n");
  printf("tunedl-file %s\n", file);
  printf("tunedl-info m4a|mp4a.40.2|0.1|64\n");
  return 0;
}

static int ffmpeg(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-version") == 0) {
    puts("ffmpeg version 5.1-fake");
    return 0;
  }
  const char *out = argv[argc - 1];
  wait_ms(FFMPEG_MS);
  const char *dot = strrchr(out, '.');
  char tone[4096];
  snprintf(tone, sizeof tone, "%s/tone.%s", ASSETS, dot ? dot + 1 : "");
  if (dot == NULL || access(tone, R_OK) != 0 || copy_file(tone, out) != 0) {
    fprintf(stderr, "fake ffmpeg: cannot write %s\n", out);
    return 1;
  }
  return 0;
}

static int ffprobe(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-version") == 0) {
    puts("ffprobe version 5.1-fake");
    return 0;
  }
  puts(FFPROBE_ANSWER);
  return 0;
}

int main(int argc, char **argv) {
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  if (strcmp(name, "yt-dlp") == 0) return ytdlp(argc, argv);
  if (strcmp(name, "ffmpeg") == 0) return ffmpeg(argc, argv);
  if (strcmp(name, "ffprobe") == 0) return ffprobe(argc, argv);
  fprintf(stderr, "fake tool: unknown name %s\n", name);
  return 2;
}
