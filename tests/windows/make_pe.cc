// make_pe: writes a minimal, benign PE file whose version resource names a
// product and version (the 3CX inventory case of tests/windows/run.sh).
// Built for the build machine (not for Windows) from the header-only
// tests/testutil/synth.h.
//   usage: make_pe OUT PRODUCT_NAME VERSION
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "testutil/synth.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_pe OUT PRODUCT_NAME VERSION\n";
    return 2;
  }
  namespace synth = harrier::testing::synth;
  const std::string product = argv[2], version = argv[3];
  synth::PeSpec s;
  s.version_blob = synth::VersionInfoBlob({{"CompanyName", "3CX"},
                                           {"FileDescription", product},
                                           {"FileVersion", version + ".0"},
                                           {"ProductName", product},
                                           {"ProductVersion", version}});
  std::ofstream out(argv[1], std::ios::binary);
  const std::string pe = synth::BuildPe(s);
  out.write(pe.data(), static_cast<std::streamsize>(pe.size()));
  out.close();
  if (!out) {
    std::cerr << "make_pe: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
