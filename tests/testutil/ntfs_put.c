/* ntfs_put: writes files into an NTFS image without mounting it, through
 * libntfs-3g (ntfsprogs has ntfscp, but nothing that creates directories
 * or alternate data streams without a mount). Test-only tool.
 *
 *   ntfs_put IMAGE /dir/sub/name SOURCE     creates the directories and the
 *                                           file, content from SOURCE
 *   ntfs_put IMAGE /dir/name:stream SOURCE  adds a named data stream to an
 *                                           existing file
 * Exit code 0 on success, 1 with a message on stderr otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HAVE_STDINT_H 1
#define HAVE_STDDEF_H 1
#define HAVE_STDIO_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_ERRNO_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#include <ntfs-3g/types.h>
#include <ntfs-3g/attrib.h>
#include <ntfs-3g/dir.h>
#include <ntfs-3g/inode.h>
#include <ntfs-3g/unistr.h>
#include <ntfs-3g/volume.h>

static int fail(const char* what, const char* arg) {
  fprintf(stderr, "ntfs_put: %s: %s: %s\n", what, arg, strerror(errno));
  return 1;
}

static char* slurp(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char* buf = malloc(cap);
  size_t r;
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  *size = n;
  return buf;
}

/* The inode of directory `dir` (absolute), created with its parents. */
static ntfs_inode* make_dirs(ntfs_volume* vol, const char* dir) {
  ntfs_inode* ni = ntfs_pathname_to_inode(vol, NULL, dir);
  if (ni) return ni;
  char* parent = strdup(dir);
  char* slash = strrchr(parent, '/');
  const char* leaf = dir + (slash - parent) + 1;
  if (slash == parent) parent[1] = '\0';
  else *slash = '\0';
  ntfs_inode* pni = make_dirs(vol, parent);
  free(parent);
  if (!pni) return NULL;
  ntfschar* uname = NULL;
  int ulen = ntfs_mbstoucs(leaf, &uname);
  if (ulen < 0) return NULL;
  ni = ntfs_create(pni, const_cpu_to_le32(0), uname, (u8)ulen, S_IFDIR);
  free(uname);
  ntfs_inode_close(pni);
  return ni;
}

static int write_data(ntfs_inode* ni, ntfschar* sname, int slen, const char* data, size_t size) {
  if (slen > 0 && ntfs_attr_add(ni, AT_DATA, sname, (u8)slen, NULL, 0)) return -1;
  ntfs_attr* na = ntfs_attr_open(ni, AT_DATA, slen > 0 ? sname : AT_UNNAMED, (u32)slen);
  if (!na) return -1;
  s64 w = size ? ntfs_attr_pwrite(na, 0, (s64)size, data) : 0;
  ntfs_attr_close(na);
  return w == (s64)size ? 0 : -1;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: ntfs_put IMAGE /path[:stream] SOURCE\n");
    return 2;
  }
  const char* target = argv[2];
  size_t size = 0;
  char* data = slurp(argv[3], &size);
  if (!data) return fail("read", argv[3]);
  ntfs_volume* vol = ntfs_mount(argv[1], 0);
  if (!vol) return fail("open", argv[1]);

  char* path = strdup(target);
  char* stream = strchr(strrchr(path, '/'), ':');
  if (stream) *stream++ = '\0';
  char* slash = strrchr(path, '/');
  char* dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
  int rc = 0;
  ntfs_inode* dni = make_dirs(vol, dir);
  if (!dni) {
    rc = fail("mkdir", dir);
  } else {
    ntfs_inode* ni = ntfs_pathname_to_inode(vol, NULL, path);
    if (!ni) {
      ntfschar* uname = NULL;
      int ulen = ntfs_mbstoucs(slash + 1, &uname);
      ni = ulen < 0 ? NULL : ntfs_create(dni, const_cpu_to_le32(0), uname, (u8)ulen, S_IFREG);
      free(uname);
    }
    if (!ni) {
      rc = fail("create", path);
    } else {
      ntfschar* sname = NULL;
      int slen = stream ? ntfs_mbstoucs(stream, &sname) : 0;
      if (slen < 0 || write_data(ni, sname, slen, data, size)) rc = fail("write", target);
      free(sname);
      ntfs_inode_close(ni);
    }
    ntfs_inode_close(dni);
  }
  if (ntfs_umount(vol, FALSE)) rc = fail("close", argv[1]);
  free(dir);
  free(path);
  free(data);
  return rc;
}
