// libFuzzer target: the checkpoint reader of `clvsim run --checkpoint`.
//
// Contract checked: decode_checkpoint answers any bytes with an image or an
// InputError, never reads past them, and never allocates beyond its limits;
// an image it accepts encodes and decodes again to the same image.
//
// A random CRC almost never matches, which would keep the fuzzer at the
// door: when the first byte is odd, the rest gets its correct CRC-32
// trailer appended, so the parser behind the check is explored too.
#include <boost/crc.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "clvsim/checkpoint.hpp"
#include "clvsim/error.hpp"

namespace {

bool same(const clvsim::SimulationImage& a, const clvsim::SimulationImage& b) {
  if (a.replications != b.replications || a.histogram_counts != b.histogram_counts ||
      a.results_state.size() != b.results_state.size() ||
      std::bit_cast<std::uint64_t>(a.active_customer_periods) !=
          std::bit_cast<std::uint64_t>(b.active_customer_periods)) {
    return false;
  }
  for (std::size_t i = 0; i < a.results_state.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(a.results_state[i]) !=
        std::bit_cast<std::uint64_t>(b.results_state[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 1) {
    boost::crc_32_type crc;
    crc.process_bytes(bytes.data(), bytes.size());
    char trailer[32];
    std::snprintf(trailer, sizeof trailer, "crc32 %08x\n", crc.checksum());
    bytes += trailer;
  }
  clvsim::CheckpointHeader header;
  clvsim::SimulationImage image;
  try {
    clvsim::decode_checkpoint(bytes, "fuzz.ck", header, image);
  } catch (const clvsim::InputError&) {
    return 0;
  }
  clvsim::CheckpointHeader header2;
  clvsim::SimulationImage image2;
  clvsim::decode_checkpoint(clvsim::encode_checkpoint(header, image), "again.ck", header2, image2);
  if (!same(image, image2) || header.scenario != header2.scenario ||
      header.plan != header2.plan || header.version != header2.version) {
    std::abort();
  }
  return 0;
}
