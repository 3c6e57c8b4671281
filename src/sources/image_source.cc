#include "sources/image_source.h"

#include <fmt/format.h>
#include <tsk/libtsk.h>

#include <algorithm>
#include <cstring>
#include <memory>

// libtsk's lock functions are internal (tsk_base_i.h) but exported; an
// image opened with tsk_img_open_external must release the lock that
// tsk_img_open_external initialised when it closes.
extern "C" void tsk_deinit_lock(tsk_lock_t* lock);

namespace harrier {
namespace {

using namespace std::string_view_literals;

// libtsk keeps its last error per thread; reading it clears it.
std::string TakeTskError() {
  const char* e = tsk_error_get();
  std::string s = e && *e ? e : "libtsk reported no details";
  tsk_error_reset();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct ImgClose {
  void operator()(TSK_IMG_INFO* i) const { tsk_img_close(i); }
};
struct VsClose {
  void operator()(TSK_VS_INFO* v) const { tsk_vs_close(v); }
};
struct FsClose {
  void operator()(TSK_FS_INFO* f) const { tsk_fs_close(f); }
};
struct DirClose {
  void operator()(TSK_FS_DIR* d) const { tsk_fs_dir_close(d); }
};
struct PoolClose {
  void operator()(const TSK_POOL_INFO* p) const { tsk_pool_close(p); }
};
using ImgPtr = std::unique_ptr<TSK_IMG_INFO, ImgClose>;
using VsPtr = std::unique_ptr<TSK_VS_INFO, VsClose>;
using FsPtr = std::unique_ptr<TSK_FS_INFO, FsClose>;
using DirPtr = std::unique_ptr<TSK_FS_DIR, DirClose>;
using PoolPtr = std::unique_ptr<const TSK_POOL_INFO, PoolClose>;

// An image held in memory, read by libtsk through tsk_img_open_external.
// TSK_IMG_INFO must come first: libtsk casts the pointer both ways.
struct MemoryImage {
  TSK_IMG_INFO info;
  const uint8_t* data;
  size_t size;
};
static_assert(std::is_standard_layout_v<MemoryImage>);

ssize_t MemoryRead(TSK_IMG_INFO* img, TSK_OFF_T off, char* buf, size_t len) {
  auto* m = reinterpret_cast<MemoryImage*>(img);
  if (off < 0 || static_cast<uint64_t>(off) >= m->size) return 0;
  size_t n = std::min<uint64_t>(len, m->size - static_cast<uint64_t>(off));
  std::memcpy(buf, m->data + off, n);
  return static_cast<ssize_t>(n);
}
void MemoryClose(TSK_IMG_INFO* img) {
  tsk_deinit_lock(&img->cache_lock);
  delete reinterpret_cast<MemoryImage*>(img);
}
void MemoryStat(TSK_IMG_INFO*, FILE*) {}

std::string ImageFormatName(TSK_IMG_TYPE_ENUM t) {
  if (TSK_IMG_TYPE_ISEWF(t)) return "ewf";
  if (t == TSK_IMG_TYPE_VMDK_VMDK) return "vmdk";
  if (t == TSK_IMG_TYPE_VHD_VHD) return "vhd";
  if (TSK_IMG_TYPE_ISAFF(t)) return "aff";
  if (t == TSK_IMG_TYPE_EXTERNAL) return "memory";
  return "raw";
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The volume-root rule of a mounted image (sources/volume_roots.h) applied
// to a file system's root directory: Windows/System32, or Users together
// with Program Files or ProgramData.
bool IsWindowsSystemVolume(TSK_FS_INFO* fs) {
  DirPtr root(tsk_fs_dir_open_meta(fs, fs->root_inum));
  if (!root) {
    tsk_error_reset();
    return false;
  }
  bool windows = false, users = false, programs = false;
  for (size_t i = 0; i < tsk_fs_dir_getsize(root.get()); ++i) {
    const TSK_FS_NAME* n = tsk_fs_dir_get_name(root.get(), i);
    if (!n || !n->name || !(n->flags & TSK_FS_NAME_FLAG_ALLOC) || n->type != TSK_FS_NAME_TYPE_DIR)
      continue;
    std::string name = Lower(n->name);
    windows |= name == "windows";
    users |= name == "users";
    programs |= name == "program files" || name == "programdata";
  }
  if (windows) {
    // Path lookups compare names the way the file system does
    // (case-insensitively on NTFS and FAT).
    DirPtr sys(tsk_fs_dir_open(fs, "/Windows/System32"));
    if (sys) return true;
    tsk_error_reset();
  }
  return users && programs;
}

// Walks one file system and hands its entries to the sink.
class FsWalker {
 public:
  FsWalker(TSK_FS_INFO* fs, const Subject& volume, const std::string& drive,
           const ImageOptions& opts, ImageSink& sink, const std::atomic<bool>& cancel)
      : fs_(fs), volume_(volume), drive_(drive), opts_(opts), sink_(sink), cancel_(cancel) {}

  // A walk that could not start or broke off is reported as one corrupt
  // skip.
  void Run() {
    // libtsk reads a directory block by block up to the size its record
    // claims, holes included, before it returns a single name: a root
    // directory claiming gigabytes in a small image kept it busy for
    // minutes. No directory is larger than the file system that holds it.
    if (std::optional<std::string> why = RootTooLarge()) {
      sink_.OnEntrySkipped(Entry("…", "…", nullptr, true), SkipReason::kCorrupt,
                           "directory tree not read: " + *why);
      tsk_error_reset();
      return;
    }
    // Unallocated names too, without --deleted: libtsk descends into a
    // deleted directory whether or not it calls back for its name, and
    // the callback must see every directory before libtsk reads it
    // (OnFile drops the deleted names then).
    int flags = TSK_FS_DIR_WALK_FLAG_RECURSE | TSK_FS_DIR_WALK_FLAG_ALLOC |
                TSK_FS_DIR_WALK_FLAG_UNALLOC;
    if (!opts_.deleted) flags |= TSK_FS_DIR_WALK_FLAG_NOORPHAN;
    uint8_t failed =
        tsk_fs_dir_walk(fs_, fs_->root_inum, static_cast<TSK_FS_DIR_WALK_FLAG_ENUM>(flags),
                        &FsWalker::Callback, this);
    if (failed && !stopped_) {
      Subject rest = Entry("…", "…", nullptr, true);
      sink_.OnEntrySkipped(
          std::move(rest), SkipReason::kCorrupt,
          "directory tree unreadable, entries after this point not reached: " + TakeTskError());
    }
    tsk_error_reset();
  }

 private:
  // The bytes of the file system that the image holds: its own size as its
  // superblock states it, cut at the end of the image.
  uint64_t VolumeBytes() const {
    uint64_t fs_bytes = static_cast<uint64_t>(fs_->block_count) * fs_->block_size;
    if (fs_->block_size && fs_bytes / fs_->block_size != fs_->block_count) fs_bytes = UINT64_MAX;
    const TSK_OFF_T img = fs_->img_info ? fs_->img_info->size : 0;
    uint64_t in_image = img > fs_->offset ? static_cast<uint64_t>(img - fs_->offset) : 0;
    return std::min(fs_bytes, in_image);
  }

  std::optional<std::string> DirTooLarge(const TSK_FS_META* meta, std::string_view what) const {
    if (!meta || meta->size <= 0 || static_cast<uint64_t>(meta->size) <= VolumeBytes())
      return std::nullopt;
    return fmt::format("{} claims {} bytes, more than the {} bytes of the volume in the image",
                       what, meta->size, VolumeBytes());
  }

  std::optional<std::string> RootTooLarge() const {
    TSK_FS_FILE* root = tsk_fs_file_open_meta(fs_, nullptr, fs_->root_inum);
    if (!root) return std::nullopt;  // the walk reports it
    std::optional<std::string> why = DirTooLarge(root->meta, "the root directory's record");
    tsk_fs_file_close(root);
    return why;
  }

  static TSK_WALK_RET_ENUM Callback(TSK_FS_FILE* file, const char* path, void* self) {
    return static_cast<FsWalker*>(self)->OnFile(file, path ? path : "");
  }

  Subject Entry(const std::string& path, const std::string& name, const TSK_FS_META* meta,
                bool allocated) const {
    Subject s;
    s.kind = SubjectKind::kImageEntry;
    s.containers = volume_.containers;
    s.path = path;
    s.name = name;
    s.drive = drive_;
    s.deleted = !allocated;
    if (meta) {
      s.file.size = meta->size > 0 ? static_cast<uint64_t>(meta->size) : 0;
      s.file.mtime = meta->mtime;
      s.file.ctime = meta->ctime;
      s.file.mode = static_cast<uint32_t>(meta->mode) & 07777;
      s.file.uid = static_cast<uint32_t>(meta->uid);
      s.file.inode = meta->addr;
    }
    return s;
  }

  TSK_WALK_RET_ENUM OnFile(TSK_FS_FILE* file, const char* parent) {
    if (cancel_.load(std::memory_order_relaxed)) return Stop();
    if (!file->name || !file->name->name) return TSK_WALK_CONT;
    std::string_view name = file->name->name;
    if (name == "." || name == "..") return TSK_WALK_CONT;
    const TSK_FS_META* meta = file->meta;
    bool allocated = (file->name->flags & TSK_FS_NAME_FLAG_ALLOC) &&
                     (!meta || (meta->flags & TSK_FS_META_FLAG_ALLOC));
    // Directories are walked, not entries; libtsk's virtual files and
    // folders ($MBR, $FAT1, $OrphanFiles) are its own views of metadata.
    TSK_FS_NAME_TYPE_ENUM ntype = file->name->type;
    const bool listed = opts_.deleted || (file->name->flags & TSK_FS_NAME_FLAG_ALLOC);
    if (opts_.deleted && meta && meta->type == TSK_FS_META_TYPE_VIRT_DIR &&
        meta->addr == TSK_FS_ORPHANDIR_INUM(fs_)) {
      // ext2/3/4 orphans are not searched (--deleted promises those of NTFS
      // and FAT): libtsk's search looks up every inode of the volume, and
      // for an inode flagged as inline data it allocates and zeroes a
      // buffer of the size the inode claims (fuzzing: 1.7 GB, 46 s).
      if (TSK_FS_TYPE_ISEXT(fs_->ftype)) {
        file->meta->type = TSK_FS_META_TYPE_UNDEF;
        return TSK_WALK_CONT;
      }
      // libtsk lists $OrphanFiles last in the root. To find orphans it may
      // walk the whole tree again on its own (it does when no deleted name
      // was seen), without this callback, into the directory refused below.
      if (cut_) {
        file->meta->type = TSK_FS_META_TYPE_UNDEF;
        sink_.OnEntrySkipped(Entry("/$OrphanFiles/…", "…", nullptr, false), SkipReason::kCorrupt,
                             "orphan files not searched: a directory of the volume is corrupt");
        return TSK_WALK_CONT;
      }
    }
    if (meta && meta->type == TSK_FS_META_TYPE_DIR) {
      if (std::optional<std::string> why = DirTooLarge(meta, "its record")) {
        // tsk_fs_dir_walk descends after this call only into an entry whose
        // record has a directory type; the record is this walk's own copy,
        // freed when the call returns, so retyping it skips the subtree.
        file->meta->type = TSK_FS_META_TYPE_UNDEF;
        cut_ = true;
        std::string path = "/" + std::string(parent);
        if (path.back() != '/') path.push_back('/');
        path.append(name);
        if (listed)
          sink_.OnEntrySkipped(Entry(path + "/…", "…", nullptr, allocated),
                               allocated ? SkipReason::kCorrupt : SkipReason::kUnrecoverable,
                               "directory not read: " + *why);
      }
      return TSK_WALK_CONT;
    }
    if (!listed) return TSK_WALK_CONT;
    if (meta ? (meta->type == TSK_FS_META_TYPE_DIR || meta->type == TSK_FS_META_TYPE_VIRT_DIR ||
                meta->type == TSK_FS_META_TYPE_VIRT)
             : (ntype == TSK_FS_NAME_TYPE_DIR || ntype == TSK_FS_NAME_TYPE_VIRT_DIR ||
                ntype == TSK_FS_NAME_TYPE_VIRT))
      return TSK_WALK_CONT;
    std::string path = "/";
    path.append(parent);
    if (!path.empty() && path.back() != '/') path.push_back('/');
    path.append(name);
    Subject s = Entry(path, std::string(name), meta, allocated);
    if (meta && IsNtfsMetadata(meta->addr, parent, name)) {
      // $MFT, $LogFile, $BadClus ($Bad: a sparse stream as large as the
      // volume), $Extend/$UsnJrnl, ...: the file system's own records, not
      // files; counted, not read.
      sink_.OnEntrySkipped(std::move(s), SkipReason::kType, "NTFS metadata file");
      return TSK_WALK_CONT;
    }
    if (!meta) {
      if (allocated)
        sink_.OnEntrySkipped(std::move(s), SkipReason::kCorrupt,
                             "file-system record unreadable: " + TakeTskError());
      else
        sink_.OnEntrySkipped(std::move(s), SkipReason::kUnrecoverable,
                             "deleted: its file-system record is gone");
      return TSK_WALK_CONT;
    }
    if (meta->type == TSK_FS_META_TYPE_UNDEF) {
      // libtsk loaded the name but could not make sense of its record (an
      // NTFS record whose update sequence does not match, an inode with no
      // valid type): damaged, not a special file.
      sink_.OnEntrySkipped(std::move(s), SkipReason::kCorrupt,
                           "file-system record damaged (" + TakeTskError() + ")");
      return TSK_WALK_CONT;
    }
    if (meta->type == TSK_FS_META_TYPE_LNK) {
      sink_.OnEntrySkipped(std::move(s), SkipReason::kSymlink, "symbolic link");
      return TSK_WALK_CONT;
    }
    if (meta->type != TSK_FS_META_TYPE_REG) {
      sink_.OnEntrySkipped(std::move(s), SkipReason::kSpecialFile, "not a regular file");
      return TSK_WALK_CONT;
    }
    // The unnamed data stream is the file; on NTFS each named $DATA stream
    // is an entry of its own, "file:stream".
    if (!ReadStream(file, s, nullptr)) return Stop();
    if (TSK_FS_TYPE_ISNTFS(fs_->ftype)) {
      int n = tsk_fs_file_attr_getsize(file);
      for (int i = 0; i < n; ++i) {
        const TSK_FS_ATTR* a = tsk_fs_file_attr_get_idx(file, i);
        if (!a || a->type != TSK_FS_ATTR_TYPE_NTFS_DATA || !a->name || !*a->name) continue;
        Subject ads =
            Entry(path + ":" + a->name, std::string(name) + ":" + a->name, meta, allocated);
        ads.file.size = a->size > 0 ? static_cast<uint64_t>(a->size) : 0;
        if (!ReadStream(file, ads, a)) return Stop();
      }
      tsk_error_reset();
    }
    return TSK_WALK_CONT;
  }

  // The NTFS metadata files: MFT records 0-23 named "$..." at the root,
  // and everything under /$Extend.
  bool IsNtfsMetadata(TSK_INUM_T addr, std::string_view parent, std::string_view name) const {
    if (!TSK_FS_TYPE_ISNTFS(fs_->ftype)) return false;
    if (parent.empty() || parent == "/") return addr < 24 && name.starts_with('$');
    return parent.starts_with("$Extend") || parent.starts_with("/$Extend");
  }

  TSK_WALK_RET_ENUM Stop() {
    stopped_ = true;
    return TSK_WALK_STOP;
  }

  ssize_t Read(TSK_FS_FILE* file, const TSK_FS_ATTR* attr, uint64_t off, uint8_t* buf, size_t len) {
    if (!attr)
      return tsk_fs_file_read(file, static_cast<TSK_OFF_T>(off), reinterpret_cast<char*>(buf), len,
                              TSK_FS_FILE_READ_FLAG_NONE);
    return tsk_fs_file_read_type(file, attr->type, attr->id, static_cast<TSK_OFF_T>(off),
                                 reinterpret_cast<char*>(buf), len, TSK_FS_FILE_READ_FLAG_NONE);
  }

  // Reads one stream (`attr` null: the file's default one) and hands it to
  // the sink. Returns false when the sink stops the walk.
  bool ReadStream(TSK_FS_FILE* file, Subject& s, const TSK_FS_ATTR* attr) {
    const uint64_t size = s.file.size;
    auto unreadable = [&](const std::string& what) {
      SkipReason why = s.deleted ? SkipReason::kUnrecoverable : SkipReason::kCorrupt;
      sink_.OnEntrySkipped(std::move(s), why,
                           (s.deleted ? "deleted, content not recoverable: " : "") + what);
      return true;
    };
    if (size > sink_.MaxEntryBytes(s, opts_.max_entry_bytes)) {
      sink_.OnEntrySkipped(std::move(s), SkipReason::kSize,
                           fmt::format("{} bytes, over --max-file-size", size));
      return true;
    }
    std::vector<uint8_t> data(size);
    size_t head = std::min<uint64_t>(size, kImageScreenBytes);
    size_t got = 0;
    // Reads [got, want) of the stream; false on an error or a short stream.
    auto fill = [&](size_t want) -> std::optional<std::string> {
      while (got < want) {
        size_t chunk = std::min<size_t>(want - got, 1 << 20);
        ssize_t n = Read(file, attr, got, data.data() + got, chunk);
        if (n < 0) return "libtsk could not read it: " + TakeTskError();
        if (n == 0) return fmt::format("content ends after {} of {} bytes", got, size);
        got += static_cast<size_t>(n);
      }
      return std::nullopt;
    };
    if (auto e = fill(head)) return unreadable(*e);
    if (auto why = sink_.Screen(s, {data.data(), head})) {
      sink_.OnEntrySkipped(std::move(s), *why, "not selected");
      return true;
    }
    if (auto e = fill(size)) return unreadable(*e);
    return sink_.OnEntry(std::move(s), std::move(data));
  }

  TSK_FS_INFO* fs_;
  const Subject& volume_;
  std::string drive_;
  const ImageOptions& opts_;
  ImageSink& sink_;
  const std::atomic<bool>& cancel_;
  bool stopped_ = false;
  bool cut_ = false;  // a directory was refused (DirTooLarge)
};

// Opens the file system of one volume (or the APFS volumes of a pool) and
// walks it. `number` is the volume's 1-based number for --partition.
class ImageReader {
 public:
  ImageReader(const Subject& image, std::string format, const ImageOptions& opts, ImageSink& sink,
              const std::atomic<bool>& cancel)
      : image_(image), format_(std::move(format)), opts_(opts), sink_(sink), cancel_(cancel) {}

  ImageResult Read(TSK_IMG_INFO* img) {
    ImageResult r;
    r.format = format_;
    VsPtr vs(tsk_vs_open(img, 0, TSK_VS_TYPE_DETECT));
    if (vs) {
      r.opened = true;
      unsigned number = 0;
      for (TSK_PNUM_T i = 0; i < vs->part_count && !cancel_.load(); ++i) {
        const TSK_VS_PART_INFO* p = tsk_vs_part_get(vs.get(), i);
        if (!p || !(p->flags & TSK_VS_PART_FLAG_ALLOC)) continue;  // free space, table entries
        ++number;
        uint64_t offset = static_cast<uint64_t>(p->start) * vs->block_size;
        uint64_t size = static_cast<uint64_t>(p->len) * vs->block_size;
        Volume(img, fmt::format("partition {}", number), number, offset, size,
               p->desc ? p->desc : "");
        ++r.volumes;
      }
      return r;
    }
    tsk_error_reset();
    // No partition table: a bare file system, or nothing libtsk reads.
    FsPtr fs(tsk_fs_open_img(img, 0, TSK_FS_TYPE_DETECT));
    if (!fs) {
      std::string fs_error = TakeTskError();
      PoolPtr pool(tsk_pool_open_img_sing(img, 0, TSK_POOL_TYPE_DETECT));
      tsk_error_reset();
      if (!pool) {
        r.error = "no partition table or file system libtsk reads (" + fs_error + ")";
        return r;
      }
    }
    fs.reset();
    r.opened = true;
    Volume(img, "volume", 1, 0, static_cast<uint64_t>(img->size), "");
    r.volumes = 1;
    return r;
  }

 private:
  void Volume(TSK_IMG_INFO* img, const std::string& name, unsigned number, uint64_t offset,
              uint64_t size, const std::string& desc) {
    VolumeReport v;
    v.name = name;
    v.offset = offset;
    v.size = size;
    if (opts_.partition && number != opts_.partition) {
      v.skipped = SkipReason::kExcluded;
      v.detail = fmt::format("not the partition chosen with --partition {}", opts_.partition);
      sink_.OnVolume(v);
      return;
    }
    FsPtr fs(tsk_fs_open_img(img, static_cast<TSK_OFF_T>(offset), TSK_FS_TYPE_DETECT));
    if (!fs) {
      std::string error = TakeTskError();
      if (Pool(img, name, offset, size)) return;
      std::string d = Lower(desc);
      if (d.find("swap") != std::string::npos) {
        v.skipped = SkipReason::kType;
        v.detail = "swap space (" + desc + "): no files";
      } else {
        v.skipped = SkipReason::kUnsupported;
        v.detail = "no file system libtsk reads" + (desc.empty() ? "" : " in " + desc) + " (" +
                   error + ")";
      }
      sink_.OnVolume(v);
      return;
    }
    Walk(fs.get(), v);
  }

  void Walk(TSK_FS_INFO* fs, VolumeReport& v) {
    v.filesystem = Lower(tsk_fs_type_toname(fs->ftype));
    if (TSK_FS_TYPE_ISSWAP(fs->ftype)) {
      v.skipped = SkipReason::kType;
      v.detail = "swap space: no files";
      sink_.OnVolume(v);
      return;
    }
    // Only file systems whose names cannot hold '\' get a drive: the drive
    // form must map back to the volume's own path.
    bool windows_fs = TSK_FS_TYPE_ISNTFS(fs->ftype) || TSK_FS_TYPE_ISFAT(fs->ftype);
    v.drive = windows_fs && IsWindowsSystemVolume(fs) ? "C:" : "";
    sink_.OnVolume(v);
    Subject volume = image_;
    volume.containers.push_back({image_.path, format_});
    volume.containers.push_back({v.name, v.filesystem});
    FsWalker(fs, volume, v.drive, opts_, sink_, cancel_).Run();
  }

  // An APFS container: each of its volumes is a file system of its own.
  bool Pool(TSK_IMG_INFO* img, const std::string& name, uint64_t offset, uint64_t size) {
    PoolPtr pool(tsk_pool_open_img_sing(img, static_cast<TSK_OFF_T>(offset), TSK_POOL_TYPE_DETECT));
    if (!pool) {
      tsk_error_reset();
      return false;
    }
    for (const TSK_POOL_VOLUME_INFO* pv = pool->vol_list; pv && !cancel_.load(); pv = pv->next) {
      VolumeReport v;
      v.name = fmt::format("{} volume {}", name, pv->index + 1);
      v.offset = offset;
      v.size = pv->num_blocks * pool->block_size;
      if (pv->flags & TSK_POOL_VOLUME_FLAG_ENCRYPTED) {
        v.filesystem = "apfs";
        v.skipped = SkipReason::kEncrypted;
        v.detail = "encrypted APFS volume (no password is tried)";
        sink_.OnVolume(v);
        continue;
      }
      ImgPtr vimg(pool->get_img_info(pool.get(), pv->block));
      FsPtr fs(vimg ? tsk_fs_open_img(vimg.get(),
                                      static_cast<TSK_OFF_T>(pv->block) * pool->block_size,
                                      TSK_FS_TYPE_APFS_DETECT)
                    : nullptr);
      if (!fs) {
        v.skipped = SkipReason::kUnsupported;
        v.detail = "APFS volume libtsk cannot open (" + TakeTskError() + ")";
        sink_.OnVolume(v);
        continue;
      }
      Walk(fs.get(), v);
    }
    return true;
  }

  const Subject& image_;
  std::string format_;
  const ImageOptions& opts_;
  ImageSink& sink_;
  const std::atomic<bool>& cancel_;
};

}  // namespace

ImageResult ScanImage(const Subject& image, const std::string& path, const ImageOptions& opts,
                      ImageSink& sink, const std::atomic<bool>& cancel) {
  ImgPtr img(tsk_img_open_utf8_sing(path.c_str(), TSK_IMG_TYPE_DETECT, 0));
  if (!img) {
    ImageResult r;
    r.error = "not an image libtsk opens: " + TakeTskError();
    return r;
  }
  return ImageReader(image, ImageFormatName(img->itype), opts, sink, cancel).Read(img.get());
}

ImageResult ScanImageBuffer(const Subject& image, std::span<const uint8_t> data,
                            const ImageOptions& opts, ImageSink& sink,
                            const std::atomic<bool>& cancel) {
  auto* m = new MemoryImage{};
  m->data = data.data();
  m->size = data.size();
  ImgPtr img(tsk_img_open_external(m, static_cast<TSK_OFF_T>(data.size()), 512, &MemoryRead,
                                   &MemoryClose, &MemoryStat));
  if (!img) {
    delete m;
    ImageResult r;
    r.error = "libtsk could not take the image: " + TakeTskError();
    return r;
  }
  return ImageReader(image, "raw", opts, sink, cancel).Read(img.get());
}

}  // namespace harrier
