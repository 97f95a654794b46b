/*
 * A recording stand-in for one WinPE tool (wpeinit, wpeutil, drvload, diskpart, curl, dism,
 * bcdboot, reg, wmic, ping), built with mingw-w64 and copied under each tool's name. It
 * appends its name and arguments (as the C runtime split them, like the real tool would see
 * them) to %PS_TEST_REC%, one tab-separated line, and answers by the first matching line of
 * %PS_TEST_DIR%\rules.txt:
 *
 *   tool|substring of the joined arguments|exit code|stdout file|action|times
 *
 * actions: append:N (curl: add N bytes to the -o file), curlK (create every `output` of the
 * -K config), sleep:MS (a tool that takes time, e.g. DISM), empty. times: how often the rule may match (0 = always). diskpart /s records
 * the script's lines as "diskpart-script<TAB>line".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static void record_file_lines(FILE *rec, const char *tag, const char *path) {
  FILE *f = fopen(path, "rb");
  char line[4096];
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    fprintf(rec, "%s\t%s\n", tag, line);
  }
  fclose(f);
}

static void create_parents(char *path) {
  for (char *p = path + 3; *p; p++) {
    if (*p == '\\') {
      *p = 0;
      CreateDirectoryA(path, NULL);
      *p = '\\';
    }
  }
}

static void curl_config_outputs(const char *config) {
  FILE *f = fopen(config, "rb");
  char line[4096];
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "output = \"", 10) != 0) continue;
    char out[4096];
    size_t o = 0;
    for (char *p = line + 10; *p && *p != '"' && o < sizeof out - 1; p++) {
      if (*p == '\\' && p[1]) p++;
      out[o++] = *p;
    }
    out[o] = 0;
    create_parents(out);
    FILE *w = fopen(out, "wb");
    if (w) {
      fputs("stand-in driver file\r\n", w);
      fclose(w);
    }
  }
  fclose(f);
}

int main(int argc, char **argv) {
  char exe[MAX_PATH];
  GetModuleFileNameA(NULL, exe, MAX_PATH);
  char *name = strrchr(exe, '\\') ? strrchr(exe, '\\') + 1 : exe;
  char *dot = strrchr(name, '.');
  if (dot) *dot = 0;
  for (char *p = name; *p; p++) *p = (char)tolower((unsigned char)*p);

  char joined[16384] = "";
  for (int i = 1; i < argc; i++) {
    strncat(joined, i > 1 ? " " : "", sizeof joined - strlen(joined) - 1);
    strncat(joined, argv[i], sizeof joined - strlen(joined) - 1);
  }

  const char *recPath = getenv("PS_TEST_REC");
  const char *dir = getenv("PS_TEST_DIR");
  if (recPath) {
    FILE *rec = fopen(recPath, "ab");
    if (rec) {
      fputs(name, rec);
      for (int i = 1; i < argc; i++) fprintf(rec, "\t%s", argv[i]);
      fputc('\n', rec);
      if (strcmp(name, "diskpart") == 0) {
        for (int i = 1; i + 1 < argc; i++)
          if (_stricmp(argv[i], "/s") == 0) record_file_lines(rec, "diskpart-script", argv[i + 1]);
      }
      fclose(rec);
    }
  }
  if (!dir) return 0;

  char rulesPath[MAX_PATH];
  snprintf(rulesPath, sizeof rulesPath, "%s\\rules.txt", dir);
  FILE *rules = fopen(rulesPath, "rb");
  if (!rules) return 0;
  char line[4096];
  int lineNo = 0;
  int code = 0;
  while (fgets(line, sizeof line, rules)) {
    lineNo++;
    line[strcspn(line, "\r\n")] = 0;
    char *f[6] = {0};
    int n = 0;
    char *p = line;
    f[n++] = p;
    while (*p && n < 6) {
      if (*p == '|') {
        *p = 0;
        f[n++] = p + 1;
      }
      p++;
    }
    if (n < 3 || strcmp(f[0], name) != 0) continue;
    if (f[1][0] && !strstr(joined, f[1])) continue;
    int times = n > 5 ? atoi(f[5]) : 0;
    if (times > 0) {
      char countPath[MAX_PATH];
      snprintf(countPath, sizeof countPath, "%s\\count-%d", dir, lineNo);
      int used = 0;
      FILE *c = fopen(countPath, "rb");
      if (c) {
        if (fscanf(c, "%d", &used) != 1) used = 0;
        fclose(c);
      }
      if (used >= times) continue;
      c = fopen(countPath, "wb");
      if (c) {
        fprintf(c, "%d", used + 1);
        fclose(c);
      }
    }
    code = atoi(f[2]);
    if (n > 3 && f[3][0]) {
      char outPath[MAX_PATH];
      snprintf(outPath, sizeof outPath, "%s\\%s", dir, f[3]);
      FILE *o = fopen(outPath, "rb");
      if (o) {
        char buf[4096];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, o)) > 0) fwrite(buf, 1, got, stdout);
        fclose(o);
      }
    }
    if (n > 4 && strncmp(f[4], "append:", 7) == 0) {
      long bytes = atol(f[4] + 7);
      for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
          FILE *w = fopen(argv[i + 1], "ab");
          if (w) {
            for (long b = 0; b < bytes; b++) fputc('x', w);
            fclose(w);
          }
        }
      }
    }
    if (n > 4 && strncmp(f[4], "sleep:", 6) == 0) Sleep((DWORD)atol(f[4] + 6));
    if (n > 4 && strcmp(f[4], "curlK") == 0) {
      for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "-K") == 0) curl_config_outputs(argv[i + 1]);
    }
    break;
  }
  fclose(rules);
  fflush(stdout);
  return code;
}
