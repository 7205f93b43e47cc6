/* Replays Markdown files through the system's md4c (md_parse, with the
 * renderer's flags) in one process, for valgrind: every callback's text is
 * read byte by byte (so that an uninitialised byte reaches a branch) and must
 * lie inside the input; a detail's attribute strings likewise. Not part of
 * any build; see docs/reliability.md (Sanitizers: md4c under valgrind):
 *   cc -O1 -g fuzz/md4c_replay.c -o /tmp/md4c_replay $(pkg-config --cflags --libs md4c)
 *   valgrind --track-origins=yes --error-exitcode=1 /tmp/md4c_replay FILE...   */
#include <md4c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* g_begin;
static const char* g_file;
static int g_type;
static size_t g_size;
static unsigned long g_sum;

/* A text lies inside the input (`inside`: a text callback; a NUL's
 * replacement and a code block's indentation may point at md4c's own static
 * strings) or, for an attribute md4c may build in its own buffer, is at most
 * as long as the input. */
static void Check(const char* text, size_t size, const char* what, int inside) {
  if (size == 0) return;
  int out = size > g_size;
  if (inside && (text < g_begin || text + size > g_begin + g_size)) {
    /* md4c's own strings: a code block's indentation (up to 16 spaces), a line break. */
    int spaces = size <= 16;
    for (size_t i = 0; spaces && i < size; ++i) spaces = text[i] == ' ' || text[i] == '\n';
    out = out || !spaces;
  }
  if (out) {
    fprintf(stderr, "md4c_replay: %s: %s (type %d) of %zu bytes at offset %td is not in the input (%zu bytes)\n",
            g_file, what, g_type, size, text - g_begin, g_size);
    abort();
  }
  for (size_t i = 0; i < size; ++i)
    if (text[i] == '\x7f') g_sum += 1; /* a branch on every byte */
}

static void Attr(const MD_ATTRIBUTE* a) {
  if (a == NULL || a->text == NULL) return;
  Check(a->text, a->size, "attribute", 0);
}

static int Block(MD_BLOCKTYPE type, void* detail, void* user) {
  if (type == MD_BLOCK_CODE && detail) {
    MD_BLOCK_CODE_DETAIL* d = detail;
    Attr(&d->info);
    Attr(&d->lang);
  }
  if (type == MD_BLOCK_H && detail) g_sum += ((MD_BLOCK_H_DETAIL*)detail)->level;
  return 0;
}

static int Span(MD_SPANTYPE type, void* detail, void* user) {
  if (type == MD_SPAN_A && detail) {
    MD_SPAN_A_DETAIL* d = detail;
    Attr(&d->href);
    Attr(&d->title);
  }
  if (type == MD_SPAN_IMG && detail) {
    MD_SPAN_IMG_DETAIL* d = detail;
    Attr(&d->src);
    Attr(&d->title);
  }
  return 0;
}

static int Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
  g_type = (int)type;
  Check(text, size, "text", type != MD_TEXT_NULLCHAR);
  return 0;
}

int main(int argc, char** argv) {
  MD_PARSER p;
  memset(&p, 0, sizeof p);
  p.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS |
            MD_FLAG_PERMISSIVEWWWAUTOLINKS | MD_FLAG_PERMISSIVEEMAILAUTOLINKS | MD_FLAG_NOHTML;
  p.enter_block = Block;
  p.leave_block = Block;
  p.enter_span = Span;
  p.leave_span = Span;
  p.text = Text;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    FILE* f = fopen(argv[i], "rb");
    if (!f) continue;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char* buf = malloc(n > 0 ? (size_t)n : 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    fclose(f);
    g_begin = buf;
    g_file = argv[i];
    g_size = (size_t)n;
    if (getenv("MD4C_REPLAY_VERBOSE")) fprintf(stderr, "md4c_replay: %s\n", argv[i]);
    md_parse(buf, (MD_SIZE)n, &p, NULL);
    free(buf);
    ++files;
  }
  printf("md4c_replay: %d files, checksum %lu\n", files, g_sum);
  return 0;
}
