// Decoding a screenshot to tell whether it shows anything: the PNG's chunks are read with
// wire::Reader (CRCs checked), the image data inflated with zlib and unfiltered (PNG spec,
// ISO/IEC 15948 §9), and the pixels counted. Enough of PNG for what Chromium writes: 8-bit
// RGB or RGBA, not interlaced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/base/result.h"

namespace ikesuite::reports::testing {

struct PngStats {
  uint32_t width = 0, height = 0;
  size_t pixels = 0;
  size_t background = 0;  // pixels of the most common colour
  size_t distinct_colours = 0;  // counted up to 4096
  size_t reddish = 0;     // strongly red pixels (failures are drawn in red)
  size_t bluish = 0;      // strongly blue pixels (requests)
  size_t greenish = 0;    // strongly green pixels (responses)
};

Result<PngStats> png_stats(const std::string& path);

}  // namespace ikesuite::reports::testing
