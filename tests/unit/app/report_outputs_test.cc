// DefaultLogPath: the default scan log's name cannot be steered by a host
// name (no separators, no dot names, bounded length).
#include "app/report_outputs.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

TEST(DefaultLogPath, HostAndStampNameTheFile) {
  EXPECT_EQ(DefaultLogPath("", "ws-01.corp", "20261202-120000"),
            "./ws-01.corp_harrier_20261202-120000.jsonl");
  EXPECT_EQ(DefaultLogPath("/var/log/ir", "ws", "20261202-120000"),
            "/var/log/ir/ws_harrier_20261202-120000.jsonl");
}

TEST(DefaultLogPath, AHostileHostNameStaysOneFileName) {
  EXPECT_EQ(DefaultLogPath("d", "../../etc/x", "S"), "d/.._.._etc_x_harrier_S.jsonl");
  EXPECT_EQ(DefaultLogPath("d", "a b\n\x1b[31m", "S"), "d/a_b___31m_harrier_S.jsonl");
  EXPECT_EQ(DefaultLogPath("d", "", "S"), "d/host_harrier_S.jsonl");
  EXPECT_EQ(DefaultLogPath("d", "..", "S"), "d/host_harrier_S.jsonl");
  EXPECT_EQ(DefaultLogPath("d", std::string(300, 'h'), "S"),
            "d/" + std::string(64, 'h') + "_harrier_S.jsonl");
}

}  // namespace
}  // namespace harrier
