#include "gif.h"

#include "errors.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ebm {
namespace {

constexpr int kMinCodeSize = 8;
constexpr int kClear = 1 << kMinCodeSize;
constexpr int kEnd = kClear + 1;
constexpr int kMaxCode = 4095;

struct Palette {
  std::array<uint8_t, 768> rgb{};
  bool grey = false;
};

Palette makePalette(bool grey) {
  Palette p;
  p.grey = grey;
  if (grey) {
    for (int i = 0; i < 256; ++i)
      p.rgb[3 * i] = p.rgb[3 * i + 1] = p.rgb[3 * i + 2] = static_cast<uint8_t>(i);
    return p;
  }
  int k = 0;
  for (int r = 0; r < 6; ++r)
    for (int g = 0; g < 6; ++g)
      for (int b = 0; b < 6; ++b, ++k) {
        p.rgb[3 * k] = static_cast<uint8_t>(r * 51);
        p.rgb[3 * k + 1] = static_cast<uint8_t>(g * 51);
        p.rgb[3 * k + 2] = static_cast<uint8_t>(b * 51);
      }
  for (int i = 0; k < 256; ++i, ++k) {  // 40 greys between the cube's levels
    const auto v = static_cast<uint8_t>(std::lround(255.0 * (i + 1) / 41.0));
    p.rgb[3 * k] = p.rgb[3 * k + 1] = p.rgb[3 * k + 2] = v;
  }
  return p;
}

uint8_t paletteIndex(const Palette& p, uint8_t r, uint8_t g, uint8_t b) {
  if (p.grey)
    return r;
  auto level = [](uint8_t v) { return (v + 25) / 51; };
  const int cr = level(r), cg = level(g), cb = level(b);
  const int cube = cr * 36 + cg * 6 + cb;
  auto dist = [&](int idx) {
    const int dr = p.rgb[3 * idx] - r, dg = p.rgb[3 * idx + 1] - g, db = p.rgb[3 * idx + 2] - b;
    return dr * dr + dg * dg + db * db;
  };
  const int mean = (r + g + b) / 3;
  const int greyIdx = 216 + std::clamp(static_cast<int>(std::lround(mean * 41.0 / 255.0)) - 1,
                                       0, 39);
  return static_cast<uint8_t>(dist(greyIdx) < dist(cube) ? greyIdx : cube);
}

// Packs variable-width codes least-significant bit first into 255-byte sub-blocks.
class CodeWriter {
public:
  explicit CodeWriter(std::vector<uint8_t>& out) : m_out(out) {}
  void put(int code, int bits) {
    m_acc |= static_cast<uint32_t>(code) << m_nbits;
    m_nbits += bits;
    while (m_nbits >= 8) {
      byte(static_cast<uint8_t>(m_acc & 0xFF));
      m_acc >>= 8;
      m_nbits -= 8;
    }
  }
  void finish() {
    if (m_nbits > 0)
      byte(static_cast<uint8_t>(m_acc & 0xFF));
    m_acc = 0;
    m_nbits = 0;
    flushBlock();
    m_out.push_back(0);  // block terminator
  }

private:
  void byte(uint8_t b) {
    m_block.push_back(b);
    if (m_block.size() == 255)
      flushBlock();
  }
  void flushBlock() {
    if (m_block.empty())
      return;
    m_out.push_back(static_cast<uint8_t>(m_block.size()));
    m_out.insert(m_out.end(), m_block.begin(), m_block.end());
    m_block.clear();
  }
  std::vector<uint8_t>& m_out;
  std::vector<uint8_t> m_block;
  uint32_t m_acc = 0;
  int m_nbits = 0;
};

void lzw(const std::vector<uint8_t>& indices, std::vector<uint8_t>& out) {
  out.push_back(kMinCodeSize);
  CodeWriter w(out);
  // children[code * 256 + byte] = code of the string code+byte (0 = none; codes < kClear
  // are never children, so 0 is free to mean "absent").
  std::vector<uint16_t> children(static_cast<size_t>(kMaxCode + 1) * 256, 0);
  int codeSize = kMinCodeSize + 1;
  int last = kEnd;  // the most recently assigned code
  w.put(kClear, codeSize);
  int prefix = indices.empty() ? 0 : indices[0];
  for (size_t i = 1; i < indices.size(); ++i) {
    const uint8_t k = indices[i];
    const uint16_t child = children[static_cast<size_t>(prefix) * 256 + k];
    if (child) {
      prefix = child;
      continue;
    }
    w.put(prefix, codeSize);
    ++last;
    children[static_cast<size_t>(prefix) * 256 + k] = static_cast<uint16_t>(last);
    if (last >= (1 << codeSize) && codeSize < 12)
      ++codeSize;
    if (last == kMaxCode) {
      // The table is full: start over so the codes stay within 12 bits.
      w.put(kClear, codeSize);
      std::fill(children.begin(), children.end(), 0);
      codeSize = kMinCodeSize + 1;
      last = kEnd;
    }
    prefix = k;
  }
  if (!indices.empty())
    w.put(prefix, codeSize);
  w.put(kEnd, codeSize);
  w.finish();
}

void put16(std::vector<uint8_t>& out, int v) {
  out.push_back(static_cast<uint8_t>(v & 0xFF));
  out.push_back(static_cast<uint8_t>((v >> 8) & 0xFF));
}

} // namespace

std::vector<uint8_t> encodeGif(const std::vector<GifFrame>& frames, int delayCentiseconds) {
  if (frames.empty())
    throw Error("GIF: no frames to write");
  const int w = frames.front().width, h = frames.front().height;
  if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
    throw Error("GIF: frame size " + std::to_string(w) + "x" + std::to_string(h) +
                " is out of range 1..65535");
  bool grey = true;
  for (size_t f = 0; f < frames.size(); ++f) {
    const auto& fr = frames[f];
    if (fr.width != w || fr.height != h ||
        fr.rgb.size() != static_cast<size_t>(w) * h * 3)
      throw Error("GIF: frame " + std::to_string(f) + " is " + std::to_string(fr.width) + "x" +
                  std::to_string(fr.height) + " with " + std::to_string(fr.rgb.size()) +
                  " bytes; expected " + std::to_string(w) + "x" + std::to_string(h) + " RGB");
    for (size_t i = 0; grey && i < fr.rgb.size(); i += 3)
      grey = fr.rgb[i] == fr.rgb[i + 1] && fr.rgb[i] == fr.rgb[i + 2];
  }
  const Palette pal = makePalette(grey);
  std::vector<uint8_t> out;
  const char header[] = "GIF89a";
  out.insert(out.end(), header, header + 6);
  put16(out, w);
  put16(out, h);
  out.push_back(0xF7);  // global colour table of 256 entries, 8-bit colour resolution
  out.push_back(0);     // background colour index
  out.push_back(0);     // square pixels
  out.insert(out.end(), pal.rgb.begin(), pal.rgb.end());
  // NETSCAPE2.0 application extension: loop forever.
  const uint8_t loop[] = {0x21, 0xFF, 0x0B, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E',
                          '2',  '.',  '0',  0x03, 0x01, 0x00, 0x00, 0x00};
  out.insert(out.end(), loop, loop + sizeof(loop));
  std::vector<uint8_t> indices(static_cast<size_t>(w) * h);
  for (const auto& fr : frames) {
    out.insert(out.end(), {0x21, 0xF9, 0x04, 0x00});  // graphic control extension
    put16(out, std::clamp(delayCentiseconds, 0, 65535));
    out.push_back(0);
    out.push_back(0);
    out.push_back(0x2C);  // image descriptor, full frame, no local table
    put16(out, 0);
    put16(out, 0);
    put16(out, w);
    put16(out, h);
    out.push_back(0);
    for (size_t i = 0; i < indices.size(); ++i)
      indices[i] = paletteIndex(pal, fr.rgb[3 * i], fr.rgb[3 * i + 1], fr.rgb[3 * i + 2]);
    lzw(indices, out);
  }
  out.push_back(0x3B);
  return out;
}

void writeGif(const std::string& path, const std::vector<GifFrame>& frames,
              int delayCentiseconds) {
  const auto bytes = encodeGif(frames, delayCentiseconds);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f)
      throw Error("cannot write " + path + ": the folder does not exist or is not writable");
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f)
      throw Error("cannot write " + path + ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw Error("cannot write " + path + ": " + ec.message());
}

} // namespace ebm
