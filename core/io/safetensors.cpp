#include "io/safetensors.h"

#include "errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>

#include <fcntl.h>
#include <unistd.h>

// Tensor bytes go between the file and tensor storage unchanged, which is only right when the host
// stores numbers little-endian like the format does.
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors.cpp copies raw bytes and assumes a little-endian host");
#endif

namespace ebm {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uint64_t kLengthPrefixBytes = 8;
// The reference implementation refuses headers past 100 MB; a larger length is corruption (or an
// attack) and must not turn into a huge allocation.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;
constexpr uint64_t kHeaderAlignment = 8;
constexpr const char* kMetadataKey = "__metadata__";

struct DtypeInfo {
  const char* name;
  torch::ScalarType type;
  uint64_t itemSize;
};

constexpr std::array<DtypeInfo, 9> kDtypes = {{
    {"F32", torch::kFloat32, 4},
    {"F64", torch::kFloat64, 8},
    {"F16", torch::kFloat16, 2},
    {"BF16", torch::kBFloat16, 2},
    {"I64", torch::kInt64, 8},
    {"I32", torch::kInt32, 4},
    {"I8", torch::kInt8, 1},
    {"U8", torch::kUInt8, 1},
    {"BOOL", torch::kBool, 1},
}};

const DtypeInfo* dtypeByName(const std::string& name) {
  for (const DtypeInfo& d : kDtypes)
    if (name == d.name)
      return &d;
  return nullptr;
}

const DtypeInfo* dtypeByType(torch::ScalarType type) {
  for (const DtypeInfo& d : kDtypes)
    if (type == d.type)
      return &d;
  return nullptr;
}

[[noreturn]] void failSafetensors(const std::string& path, const std::string& problem) {
  throw CheckpointError(path + ": " + problem);
}

std::string inQuotes(const std::string& name) {
  return "'" + name + "'";
}

std::string shapeText(const std::vector<uint64_t>& shape) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  os << ']';
  return os.str();
}

// ---------------------------------------------------------------- writing

struct PreparedTensor {
  const std::string* name;
  torch::Tensor data; // CPU, contiguous
  const DtypeInfo* dtype;
  uint64_t nbytes;
};

// Checks every tensor and brings it to CPU before any file is created, so a bad input never
// leaves anything on disk.
std::vector<PreparedTensor> prepareTensors(const std::string& path, const SafeTensors& st) {
  std::vector<PreparedTensor> out;
  out.reserve(st.tensors.size());
  std::set<std::string> seen;
  for (const auto& [name, tensor] : st.tensors) {
    if (name == kMetadataKey)
      failSafetensors(path, "cannot write a tensor named '" + name + "' (reserved for metadata)");
    if (!seen.insert(name).second)
      failSafetensors(path, "cannot write: duplicate tensor name " + inQuotes(name));
    if (!tensor.defined())
      failSafetensors(path, "cannot write: tensor " + inQuotes(name) + " is undefined");
    const DtypeInfo* dtype = dtypeByType(tensor.scalar_type());
    if (!dtype)
      failSafetensors(path, "cannot write: tensor " + inQuotes(name) + " has unsupported dtype " +
                     std::string(c10::toString(tensor.scalar_type())));
    torch::Tensor cpu;
    try {
      cpu = tensor.detach().to(torch::kCPU).contiguous();
    } catch (const c10::Error& e) {
      failSafetensors(path, "cannot write: tensor " + inQuotes(name) +
                     " cannot be moved to CPU: " + e.what_without_backtrace());
    }
    const uint64_t nbytes = static_cast<uint64_t>(cpu.numel()) * dtype->itemSize;
    out.push_back({&name, std::move(cpu), dtype, nbytes});
  }
  return out;
}

std::string buildHeader(const std::string& path, const std::vector<PreparedTensor>& tensors,
                        const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  uint64_t offset = 0;
  for (const PreparedTensor& t : tensors) {
    json shape = json::array();
    for (int64_t d : t.data.sizes())
      shape.push_back(d);
    header[*t.name] = {{"dtype", t.dtype->name},
                       {"shape", std::move(shape)},
                       {"data_offsets", {offset, offset + t.nbytes}}};
    offset += t.nbytes;
  }
  // Like the Python writer: no "__metadata__" entry at all when there is nothing to say.
  if (!metadata.empty())
    header[kMetadataKey] = metadata;
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {
    failSafetensors(path, std::string("cannot write: a tensor name or metadata string is not UTF-8 (") +
                   e.what() + ")");
  }
  // The Python writer pads with spaces so the data region starts 8-byte aligned; readers that map
  // the file and view the data in place rely on it.
  const uint64_t pad = (kHeaderAlignment - text.size() % kHeaderAlignment) % kHeaderAlignment;
  text.append(pad, ' ');
  return text;
}

void writeTo(std::ofstream& os, const std::string& header,
             const std::vector<PreparedTensor>& tensors) {
  std::array<char, kLengthPrefixBytes> prefix{};
  uint64_t n = header.size();
  for (auto& byte : prefix) {
    byte = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  os.write(prefix.data(), prefix.size());
  os.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (const PreparedTensor& t : tensors)
    if (t.nbytes > 0)
      os.write(static_cast<const char*>(t.data.data_ptr()), static_cast<std::streamsize>(t.nbytes));
}

// ---------------------------------------------------------------- reading

// The size of a regular, non-empty file long enough for the header length.
uint64_t checkedFileSize(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found)
    failSafetensors(path, "no such file");
  if (ec)
    failSafetensors(path, "cannot access: " + ec.message());
  if (!fs::is_regular_file(status))
    failSafetensors(path, "not a regular file");
  const uint64_t fileSize = fs::file_size(path, ec);
  if (ec)
    failSafetensors(path, "cannot get the file size: " + ec.message());
  if (fileSize == 0)
    failSafetensors(path, "file is empty");
  if (fileSize < kLengthPrefixBytes)
    failSafetensors(path,
         "file has " + std::to_string(fileSize) + " bytes, fewer than the 8-byte header length");
  return fileSize;
}

// The JSON header's text, after its little-endian length, which must fit the file and the limit.
std::string readHeaderText(const std::string& path, std::istream& is, uint64_t fileSize) {
  std::array<unsigned char, kLengthPrefixBytes> prefix{};
  if (!is.read(reinterpret_cast<char*>(prefix.data()), prefix.size()))
    failSafetensors(path, "cannot read the header length");
  uint64_t headerSize = 0;
  for (size_t i = prefix.size(); i-- > 0;)
    headerSize = (headerSize << 8) | prefix[i];

  if (headerSize == 0)
    failSafetensors(path, "header length is 0");
  if (headerSize > kMaxHeaderBytes)
    failSafetensors(path, "header length " + std::to_string(headerSize) + " exceeds the limit of " +
                   std::to_string(kMaxHeaderBytes) + " bytes (corrupt file?)");
  if (kLengthPrefixBytes + headerSize > fileSize)
    failSafetensors(path, "truncated: header says " + std::to_string(headerSize) +
                   " bytes of JSON but file has " + std::to_string(fileSize - kLengthPrefixBytes) +
                   " after the length");

  std::string text(headerSize, '\0');
  if (!is.read(text.data(), static_cast<std::streamsize>(headerSize)))
    failSafetensors(path, "cannot read the " + std::to_string(headerSize) + "-byte header");
  return text;
}

// The header as a JSON object whose top-level keys are unique.
json parseHeader(const std::string& path, const std::string& text) {
  // nlohmann keeps the last of duplicate keys silently; a duplicated tensor name is corruption,
  // so catch it while parsing.
  std::string duplicate;
  std::set<std::string> keys;
  const json::parser_callback_t noteDuplicates = [&](int depth, json::parse_event_t event,
                                                     json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && duplicate.empty() &&
        !keys.insert(parsed.get<std::string>()).second)
      duplicate = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(text, noteDuplicates);
  } catch (const json::exception& e) {
    failSafetensors(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object())
    failSafetensors(path, "header is not a JSON object");
  if (!duplicate.empty())
    failSafetensors(path, "header names tensor " + inQuotes(duplicate) + " twice");
  return header;
}

struct Entry {
  std::string name;
  const DtypeInfo* dtype;
  std::vector<uint64_t> shape;
  uint64_t begin;
  uint64_t end;
};

std::optional<uint64_t> nonNegativeInteger(const json& v) {
  if (v.is_number_unsigned())
    return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  return std::nullopt;
}

Entry parseEntry(const std::string& path, const std::string& name, const json& v,
                 uint64_t dataSize) {
  const std::string what = "tensor " + inQuotes(name);
  if (!v.is_object())
    failSafetensors(path, what + ": entry is not a JSON object");
  Entry e{name, nullptr, {}, 0, 0};

  const auto dt = v.find("dtype");
  if (dt == v.end() || !dt->is_string())
    failSafetensors(path, what + ": missing or non-string \"dtype\"");
  e.dtype = dtypeByName(dt->get<std::string>());
  if (!e.dtype)
    failSafetensors(path, what + ": unknown dtype \"" + dt->get<std::string>() + "\"");

  const auto sh = v.find("shape");
  if (sh == v.end() || !sh->is_array())
    failSafetensors(path, what + ": missing or non-array \"shape\"");
  // Both the element count and the byte count must fit int64 (torch's sizes and numel are
  // signed), so a crafted shape cannot wrap around and pass the size check with few bytes.
  constexpr uint64_t kLimit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t numel = 1;
  for (const json& d : *sh) {
    const auto dim = nonNegativeInteger(d);
    if (!dim)
      failSafetensors(path,
           what + ": shape " + sh->dump() + " has an entry that is not a non-negative integer");
    e.shape.push_back(*dim);
  }
  for (uint64_t dim : e.shape) {
    if (dim > kLimit || (dim != 0 && numel > kLimit / dim))
      failSafetensors(path, what + ": shape " + shapeText(e.shape) + " has too many elements");
    numel *= dim;
  }
  if (numel > kLimit / e.dtype->itemSize)
    failSafetensors(path, what + ": shape " + shapeText(e.shape) + " has too many bytes");
  const uint64_t nbytes = numel * e.dtype->itemSize;

  const auto off = v.find("data_offsets");
  if (off == v.end() || !off->is_array() || off->size() != 2)
    failSafetensors(path, what + ": \"data_offsets\" must be an array of two integers");
  const auto begin = nonNegativeInteger((*off)[0]);
  const auto end = nonNegativeInteger((*off)[1]);
  if (!begin || !end)
    failSafetensors(path, what + ": data_offsets " + off->dump() + " are not non-negative integers");
  e.begin = *begin;
  e.end = *end;
  const std::string offsets =
      "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
  if (e.begin > e.end)
    failSafetensors(path, what + ": " + offsets + " end before they begin");
  if (e.end - e.begin != nbytes)
    failSafetensors(path, what + ": " + offsets + " do not match shape " + shapeText(e.shape) + " of " +
                   e.dtype->name + " (" + std::to_string(nbytes) + " bytes)");
  if (e.end > dataSize)
    failSafetensors(path, what + ": " + offsets + " run past the end of the data region (" +
                   std::to_string(dataSize) + " bytes; truncated file?)");
  return e;
}

std::map<std::string, std::string> parseMetadata(const std::string& path, const json& v) {
  std::map<std::string, std::string> out;
  if (v.is_null())
    return out;
  if (!v.is_object())
    failSafetensors(path, std::string("\"") + kMetadataKey + "\" is not a JSON object");
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it.value().is_string())
      failSafetensors(path,
           std::string("\"") + kMetadataKey + "\" value of '" + it.key() + "' is not a string");
    out.emplace(it.key(), it.value().get<std::string>());
  }
  return out;
}

// Sorted by position, the entries must tile [0, dataSize) exactly: an overlap would alias two
// tensors and a gap or tail means the header and data disagree, both signs of corruption.
void checkLayout(const std::string& path, std::vector<Entry>& entries, uint64_t dataSize) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  uint64_t cursor = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : entries) {
    if (e.begin < cursor)
      failSafetensors(path, "tensor " + inQuotes(e.name) + " (bytes " + std::to_string(e.begin) + ".." +
                     std::to_string(e.end) + ") overlaps tensor " + inQuotes(previous->name) +
                     " (ending at " + std::to_string(cursor) + ")");
    if (e.begin > cursor)
      failSafetensors(path, "gap in the data region: bytes " + std::to_string(cursor) + ".." +
                     std::to_string(e.begin) + " before tensor " + inQuotes(e.name) +
                     " belong to no tensor");
    cursor = e.end;
    previous = &e;
  }
  if (cursor != dataSize)
    failSafetensors(path, "gap in the data region: bytes " + std::to_string(cursor) + ".." +
                   std::to_string(dataSize) + " at the end belong to no tensor");
}

// Reads checked entries, in file order and tiling the data region, one after another straight
// into fresh tensor storage.
std::vector<std::pair<std::string, torch::Tensor>>
readTensors(const std::string& path, std::istream& is, const std::vector<Entry>& entries) {
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  tensors.reserve(entries.size());
  for (const Entry& e : entries) {
    std::vector<int64_t> sizes(e.shape.begin(), e.shape.end());
    torch::Tensor t = torch::empty(sizes, torch::TensorOptions().dtype(e.dtype->type));
    const uint64_t nbytes = e.end - e.begin;
    if (nbytes > 0 &&
        !is.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(nbytes)))
      failSafetensors(path, "truncated while reading tensor " + inQuotes(e.name) +
                     " (the file changed while being read?)");
    tensors.emplace_back(e.name, std::move(t));
  }
  return tensors;
}

} // namespace

torch::Tensor SafeTensors::find(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name)
      return t;
  return {};
}

namespace {

// Asks the kernel to put a file's (or a folder's) contents on the disk before returning: the
// data before the rename that publishes it, the folder entry after, so a power cut leaves the
// old checkpoint or the new one, never a renamed file whose data was still in the page cache.
// Returns false when it could not (a file system without fsync loses only that guarantee).
bool syncToDisk(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

} // namespace

void writeSafeTensors(const std::string& path, const SafeTensors& st) {
  const std::vector<PreparedTensor> tensors = prepareTensors(path, st);
  const std::string header = buildHeader(path, tensors, st.metadata);

  const std::string tmp = path + ".tmp";
  std::error_code ignored;
  try {
    std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
    if (!os)
      failSafetensors(path, "cannot create " + tmp + ": " + std::strerror(errno));
    writeTo(os, header, tensors);
    os.flush();
    os.close();
    // A full disk or I/O error surfaces only here; renaming a short file would replace a good
    // checkpoint with a broken one.
    if (!os)
      failSafetensors(path, "writing " + tmp + " failed: " + std::strerror(errno));
    syncToDisk(tmp);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec)
      failSafetensors(path, "cannot rename " + tmp + " over it: " + ec.message());
    const fs::path folder = fs::path(path).parent_path();
    syncToDisk(folder.empty() ? "." : folder.string());
  } catch (...) {
    fs::remove(tmp, ignored);
    throw;
  }
}

SafeTensors readSafeTensors(const std::string& path) {
  const uint64_t fileSize = checkedFileSize(path);
  std::ifstream is(path, std::ios::binary);
  if (!is)
    failSafetensors(path, std::string("cannot open: ") + std::strerror(errno));
  const std::string text = readHeaderText(path, is, fileSize);
  const uint64_t dataSize = fileSize - kLengthPrefixBytes - text.size();
  const json header = parseHeader(path, text);

  SafeTensors out;
  std::vector<Entry> entries;
  entries.reserve(header.size());
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == kMetadataKey)
      out.metadata = parseMetadata(path, it.value());
    else
      entries.push_back(parseEntry(path, it.key(), it.value(), dataSize));
  }
  checkLayout(path, entries, dataSize);
  // Everything is checked before the first tensor byte is read.
  out.tensors = readTensors(path, is, entries);
  return out;
}

} // namespace ebm
