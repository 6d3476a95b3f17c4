#include "data/idx.h"

#include "errors.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace ebm {
namespace {

namespace fs = std::filesystem;

constexpr uint8_t kUnsignedByte = 0x08;
// Largest payload we are willing to allocate; also bounds the product of the dims before it can
// overflow. Real MNIST-like sets are far below this (Fashion-MNIST train: 47 MB).
constexpr uint64_t kMaxDataBytes = uint64_t(1) << 33;
// Payloads are read in chunks so a header that lies about its size cannot make us allocate
// gigabytes before we notice the file is short.
constexpr size_t kReadChunk = size_t(16) << 20;
constexpr size_t kInflateInput = size_t(1) << 16;

[[noreturn]] void failIdx(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

std::string hex(uint64_t value, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llX", digits, static_cast<unsigned long long>(value));
  return buf;
}

std::string dimsText(const std::vector<int64_t>& dims) {
  std::string s;
  for (int64_t d : dims)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

// A sequential byte stream over a file, plain or gzip-compressed.
class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into dst; fewer only at the end of the data. Throws DataError.
  virtual size_t read(uint8_t* dst, size_t n) = 0;
};

class RawSource : public ByteSource {
public:
  RawSource(std::ifstream& in, const std::string& path) : m_in(in), m_path(path) {}

  size_t read(uint8_t* dst, size_t n) override {
    m_in.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(n));
    if (m_in.bad())
      failIdx(m_path, "read error");
    return static_cast<size_t>(m_in.gcount());
  }

private:
  std::ifstream& m_in;
  const std::string& m_path;
};

// Inflates a gzip file incrementally. Concatenated gzip members are decoded as one stream
// (that is what gzip(1) does); anything else after a member is reported as corruption.
class GzipSource : public ByteSource {
public:
  GzipSource(std::ifstream& in, const std::string& path)
      : m_in(in), m_path(path), m_buffer(kInflateInput) {
    // 15 + 16: maximum window, and expect a gzip (not zlib) wrapper with its CRC check.
    if (inflateInit2(&m_zs, 15 + 16) != Z_OK)
      failIdx(m_path, "cannot initialise zlib");
  }
  ~GzipSource() override { inflateEnd(&m_zs); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  size_t read(uint8_t* dst, size_t n) override {
    size_t produced = 0;
    while (produced < n && !m_done) {
      if (m_zs.avail_in == 0 && !refill()) {
        if (m_memberEnded) {
          m_done = true;
          break;
        }
        failIdx(m_path, "gzip stream corrupt (unexpected end of compressed data)");
      }
      if (m_memberEnded) { // more input after a complete member: the next member follows
        inflateReset(&m_zs);
        m_memberEnded = false;
      }
      const auto room = static_cast<uInt>(std::min<size_t>(n - produced, UINT_MAX));
      m_zs.next_out = dst + produced;
      m_zs.avail_out = room;
      const int ret = inflate(&m_zs, Z_NO_FLUSH);
      produced += room - m_zs.avail_out;
      if (ret == Z_STREAM_END) {
        m_memberEnded = true;
      } else if (ret == Z_BUF_ERROR && m_zs.avail_in == 0) {
        continue; // needs more input; the loop refills or reports the truncation
      } else if (ret != Z_OK) {
        failIdx(m_path, std::string("gzip stream corrupt (") +
                         (m_zs.msg ? m_zs.msg : "zlib error " + std::to_string(ret)) + ")");
      }
    }
    return produced;
  }

private:
  bool refill() {
    m_in.read(reinterpret_cast<char*>(m_buffer.data()),
              static_cast<std::streamsize>(m_buffer.size()));
    if (m_in.bad())
      failIdx(m_path, "read error");
    m_zs.next_in = m_buffer.data();
    m_zs.avail_in = static_cast<uInt>(m_in.gcount());
    return m_zs.avail_in > 0;
  }

  std::ifstream& m_in;
  const std::string& m_path;
  std::vector<uint8_t> m_buffer;
  z_stream m_zs{};
  bool m_memberEnded = false;
  bool m_done = false;
};

uint32_t readBigEndian32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Reads to the end of the source; returns how many bytes were left.
uint64_t drain(ByteSource& src) {
  uint64_t count = 0;
  std::vector<uint8_t> scratch(kInflateInput);
  for (size_t n; (n = src.read(scratch.data(), scratch.size())) > 0;)
    count += n;
  return count;
}

IdxArray parseIdx(ByteSource& src, const std::string& path) {
  uint8_t magic[4];
  const size_t magicBytes = src.read(magic, 4);
  if (magicBytes < 4)
    failIdx(path, "not an IDX file (only " + std::to_string(magicBytes) + " bytes)");
  if (magic[0] != 0 || magic[1] != 0)
    failIdx(path, "not an IDX file (magic " + hex(readBigEndian32(magic), 8) + ")");
  if (magic[2] != kUnsignedByte)
    failIdx(path, "unsupported element type " + hex(magic[2], 2) + " (only 0x08, unsigned byte)");
  const int ndims = magic[3];
  if (ndims == 0)
    failIdx(path, "not an IDX file (0 dimensions)");

  std::vector<uint8_t> header(static_cast<size_t>(ndims) * 4);
  const size_t headerBytes = src.read(header.data(), header.size());
  if (headerBytes < header.size())
    failIdx(path, "truncated: expected " + std::to_string(header.size()) + " header bytes, found " +
                   std::to_string(headerBytes));

  IdxArray out;
  bool anyZero = false;
  bool tooLarge = false;
  uint64_t total = 1;
  for (int i = 0; i < ndims; ++i) {
    const uint32_t d = readBigEndian32(header.data() + 4 * i);
    out.dims.push_back(d);
    if (d == 0)
      anyZero = true;
    else if (total > kMaxDataBytes / d) // checked before multiplying, so it cannot overflow
      tooLarge = true;
    else
      total *= d;
  }
  if (anyZero)
    total = 0;
  else if (tooLarge || total > kMaxDataBytes)
    failIdx(path, "dimensions " + dimsText(out.dims) + " are too large (more than 2^33 bytes)");

  size_t got = 0;
  while (got < total) {
    const size_t want = std::min<size_t>(total - got, kReadChunk);
    out.data.resize(got + want);
    const size_t n = src.read(out.data.data() + got, want);
    got += n;
    if (n < want)
      break;
  }
  if (got < total)
    failIdx(path, "truncated: expected " + std::to_string(total) + " data bytes, found " +
                   std::to_string(got));

  // Drain to the end rather than peeking one byte: for gzip this also verifies the CRC, so a
  // corrupt stream is reported as such and not as a size problem.
  const uint64_t extra = drain(src);
  if (extra > 0)
    failIdx(path, "trailing bytes: " + std::to_string(extra) + " after the " + std::to_string(total) +
                   " data bytes of a " + dimsText(out.dims) + " array");
  return out;
}

std::string findSplitFile(const std::string& folder, const std::string& base) {
  // Prefer the raw file when both exist: it is the same data and reads faster.
  const fs::path raw = fs::path(folder) / base;
  const fs::path gz = fs::path(folder) / (base + ".gz");
  std::error_code ec;
  if (fs::exists(raw, ec))
    return raw.string();
  if (fs::exists(gz, ec))
    return gz.string();
  failIdx(raw.string() + "[.gz]", "cannot open (neither the raw nor the .gz file exists)");
}

} // namespace

IdxArray readIdx(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    failIdx(path, "cannot open (is a directory)");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    failIdx(path, "cannot open (" + std::generic_category().message(err) + ")");
  }
  uint8_t sniff[2] = {0, 0};
  in.read(reinterpret_cast<char*>(sniff), 2);
  const bool gzip = in.gcount() == 2 && sniff[0] == 0x1f && sniff[1] == 0x8b;
  in.clear();
  in.seekg(0);
  if (gzip) {
    GzipSource src(in, path);
    try {
      return parseIdx(src, path);
    } catch (const DataError&) {
      // Corrupt deflate data often inflates to plausible bytes for a while before zlib notices
      // (at the latest at the CRC). Finish the stream so the cause, "gzip stream corrupt", is
      // reported rather than a symptom such as a bad magic.
      drain(src);
      throw;
    }
  }
  RawSource src(in, path);
  return parseIdx(src, path);
}

ImageSet loadMnistFolder(const std::string& folder, const std::string& split, bool pad32,
                         int limit) {
  std::string prefix;
  if (split == "train")
    prefix = "train";
  else if (split == "test")
    prefix = "t10k";
  else
    failIdx(folder, "unknown split '" + split + "' (expected 'train' or 'test')");

  const std::string imagesPath = findSplitFile(folder, prefix + "-images-idx3-ubyte");
  const std::string labelsPath = findSplitFile(folder, prefix + "-labels-idx1-ubyte");
  IdxArray images = readIdx(imagesPath);
  if (images.dims.size() != 3)
    failIdx(imagesPath, "expected a 3-D image array (N, H, W), found " + dimsText(images.dims));
  IdxArray labels = readIdx(labelsPath);
  if (labels.dims.size() != 1)
    failIdx(labelsPath, "expected a 1-D label array, found " + dimsText(labels.dims));
  if (labels.dims[0] != images.dims[0])
    failIdx(labelsPath, std::to_string(labels.dims[0]) + " labels but " + imagesPath + " holds " +
                         std::to_string(images.dims[0]) + " images");

  int64_t n = images.dims[0];
  if (limit > 0)
    n = std::min<int64_t>(n, limit);
  const int64_t h = images.dims[1];
  const int64_t w = images.dims[2];

  ImageSet set;
  if (n * h * w == 0) {
    set.images = torch::empty({n, 1, h, w}, torch::kFloat);
  } else {
    // from_blob only borrows the vector; the conversion to float makes the owned copy.
    set.images = torch::from_blob(images.data.data(), {n, 1, h, w}, torch::kUInt8)
                     .to(torch::kFloat)
                     .div_(127.5)
                     .sub_(1);
  }
  if (pad32 && h == 28 && w == 28)
    set.images = torch::constant_pad_nd(set.images, {2, 2, 2, 2}, -1);
  set.labels = n == 0 ? torch::empty({0}, torch::kLong)
                      : torch::from_blob(labels.data.data(), {n}, torch::kUInt8).to(torch::kLong);
  return set;
}

} // namespace ebm
