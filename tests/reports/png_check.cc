#include "tests/reports/png_check.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <unordered_map>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/wire/reader.h"

#ifdef IKESUITE_HAVE_ZLIB
#include <zlib.h>
#endif

namespace ikesuite::reports::testing {

namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

// PNG §9.4: the Paeth predictor.
uint8_t paeth(int a, int b, int c) {
  int p = a + b - c;
  int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<uint8_t>(a);
  if (pb <= pc) return static_cast<uint8_t>(b);
  return static_cast<uint8_t>(c);
}

}  // namespace

Result<PngStats> png_stats(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kSystem, "cannot open " + path);
  Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  wire::Reader r(view(file));
  TRY_ASSIGN(ByteView signature, r.bytes(8));
  if (!std::equal(signature.begin(), signature.end(), std::begin(kSignature)))
    return Error(ErrorCode::kMalformed, "not a PNG file");

  PngStats stats;
  uint8_t bit_depth = 0, colour_type = 0, interlace = 0;
  Bytes compressed;
  bool seen_end = false;
  while (!r.empty() && !seen_end) {
    TRY_ASSIGN(uint32_t length, r.u32());
    TRY_ASSIGN(ByteView type_and_data, r.bytes(4 + static_cast<size_t>(length)));
    TRY_ASSIGN(uint32_t crc, r.u32());
#ifdef IKESUITE_HAVE_ZLIB
    uLong computed = ::crc32(0L, type_and_data.data(), static_cast<uInt>(type_and_data.size()));
    if (computed != crc) return Error(ErrorCode::kIntegrity, "chunk CRC mismatch");
#else
    (void)crc;
#endif
    std::string type(type_and_data.begin(), type_and_data.begin() + 4);
    wire::Reader chunk(type_and_data.subspan(4));
    if (type == "IHDR") {
      TRY_ASSIGN(stats.width, chunk.u32());
      TRY_ASSIGN(stats.height, chunk.u32());
      TRY_ASSIGN(bit_depth, chunk.u8());
      TRY_ASSIGN(colour_type, chunk.u8());
      TRY(chunk.skip(2));  // compression and filter method, both 0 in every PNG
      TRY_ASSIGN(interlace, chunk.u8());
    } else if (type == "IDAT") {
      append(compressed, chunk.rest());
    } else if (type == "IEND") {
      seen_end = true;
    }
  }
  if (!seen_end) return Error(ErrorCode::kTruncated, "no IEND chunk");
  if (stats.width == 0 || stats.height == 0) return Error(ErrorCode::kMalformed, "no IHDR or empty image");
  if (bit_depth != 8 || (colour_type != 2 && colour_type != 6) || interlace != 0)
    return Error(ErrorCode::kUnsupported, "only 8-bit RGB/RGBA, non-interlaced PNGs are read here");

#ifndef IKESUITE_HAVE_ZLIB
  return Error(ErrorCode::kUnsupported,
               "built without zlib: install zlib1g-dev (scripts/setup.sh build) and reconfigure");
#else
  const size_t channels = colour_type == 6 ? 4 : 3;
  const size_t stride = static_cast<size_t>(stats.width) * channels;
  Bytes raw((stride + 1) * stats.height);
  uLongf raw_size = static_cast<uLongf>(raw.size());
  if (::uncompress(raw.data(), &raw_size, compressed.data(), static_cast<uLong>(compressed.size())) != Z_OK ||
      raw_size != raw.size())
    return Error(ErrorCode::kMalformed, "image data does not inflate to the size IHDR gives");

  // PNG §9.2: undo each scanline's filter in place, against the previous (already undone) line.
  Bytes previous(stride, 0);
  Bytes pixels;
  pixels.reserve(stride * stats.height);
  for (uint32_t y = 0; y < stats.height; ++y) {
    const uint8_t* line = raw.data() + static_cast<size_t>(y) * (stride + 1);
    uint8_t filter = line[0];
    Bytes current(line + 1, line + 1 + stride);
    for (size_t x = 0; x < stride; ++x) {
      int a = x >= channels ? current[x - channels] : 0;
      int b = previous[x];
      int c = x >= channels ? previous[x - channels] : 0;
      int v = current[x];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: v += paeth(a, b, c); break;
        default: return Error(ErrorCode::kMalformed, "unknown scanline filter " + std::to_string(filter));
      }
      current[x] = static_cast<uint8_t>(v);
    }
    append(pixels, view(current));
    previous = std::move(current);
  }

  std::unordered_map<uint32_t, size_t> histogram;
  stats.pixels = static_cast<size_t>(stats.width) * stats.height;
  for (size_t i = 0; i < stats.pixels; ++i) {
    int red = pixels[i * channels], green = pixels[i * channels + 1], blue = pixels[i * channels + 2];
    uint32_t key = static_cast<uint32_t>(red << 16 | green << 8 | blue);
    if (histogram.size() < 4096 || histogram.count(key)) ++histogram[key];
    if (red > 150 && green < 90 && blue < 90) ++stats.reddish;
    if (blue > 120 && red < 90 && blue > green + 40) ++stats.bluish;
    if (green > 90 && red < 90 && blue < 90 && green > red + 30) ++stats.greenish;
  }
  stats.distinct_colours = histogram.size();
  for (const auto& [colour, n] : histogram) stats.background = std::max(stats.background, n);
  return stats;
#endif
}

}  // namespace ikesuite::reports::testing
