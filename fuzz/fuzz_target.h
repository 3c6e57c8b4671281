// Fuzz targets are plain functions so they build everywhere:
//  * in a fuzz executable (HARRIER_FUZZ_MAIN defined) the target is
//    LLVMFuzzerTestOneInput, driven by libFuzzer (clang, HARRIER_BUILD_FUZZ)
//    or by standalone_main.cc (replays files; the normal gcc build);
//  * in the harrier_fuzz_targets library it is HarrierFuzz_<name>, which the
//    unit test tests/unit/fuzz/fuzz_targets_test.cc runs over generated
//    seeds so the targets cannot rot.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(HARRIER_FUZZ_MAIN)
#define HARRIER_FUZZ_TARGET(name) extern "C" int LLVMFuzzerTestOneInput
#else
#define HARRIER_FUZZ_TARGET(name) extern "C" int HarrierFuzz_##name
#endif

extern "C" int HarrierFuzz_pe(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_ico(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_plist(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_ioc(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_jsonl(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_yara_partition(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_yara_prefilter(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_ole(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_archive_source(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_image_source(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_proc_parse(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_dpkg(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_rpm(const uint8_t* data, size_t size);
extern "C" int HarrierFuzz_update(const uint8_t* data, size_t size);
