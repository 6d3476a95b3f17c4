#include "io/safetensors.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#ifndef EBM_TEST_TMP
#error "EBM_TEST_TMP must name a scratch directory (a string literal)"
#endif

namespace {
namespace fs = std::filesystem;
using ebm::CheckpointError;
using ebm::readSafeTensors;
using ebm::SafeTensors;
using ebm::writeSafeTensors;

constexpr const char* kCheckScript = "/work/shared/tools/safetensors_check.py";

// Each test uses its own file names so ctest may run them in parallel.
std::string tmpFile(const std::string& name) {
  const fs::path dir = fs::path(EBM_TEST_TMP) / "safetensors";
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Exit code of a shell command, or -1 when it did not exit normally.
int runCommand(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

bool havePython() {
  return runCommand("python3 -c 'import json, struct' > /dev/null 2>&1") == 0;
}

std::string readFile(const std::string& path) {
  std::ifstream is(path, std::ios::binary);
  std::ostringstream os;
  os << is.rdbuf();
  return os.str();
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream os(path, std::ios::binary | std::ios::trunc);
  os.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(os.good()) << path;
}

std::string lengthPrefix(uint64_t n) {
  std::string out(8, '\0');
  for (auto& byte : out) {
    byte = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return out;
}

uint64_t headerLength(const std::string& path) {
  const std::string bytes = readFile(path);
  EXPECT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<size_t>(i)]);
  return n;
}

// A file with the given JSON header (unpadded) followed by `dataBytes` zero bytes.
void writeRawTensor(const std::string& path, const std::string& header, size_t dataBytes) {
  writeBytes(path, lengthPrefix(header.size()) + header + std::string(dataBytes, '\0'));
}

// The raw bytes of a tensor, for bit-exact comparison (NaN payloads, -0.0).
std::string rawBytes(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()),
                     static_cast<size_t>(c.numel()) * c.element_size());
}

void expectReadFails(const std::string& path, const std::string& problem) {
  try {
    readSafeTensors(path);
    ADD_FAILURE() << "reading " << path << " should fail with '" << problem << "'";
  } catch (const CheckpointError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(problem), std::string::npos) << "expected '" << problem << "' in: " << what;
  }
}

// One of each supported dtype, plus the shapes that tend to break writers: 0-d, 0 elements,
// a non-contiguous view, and float bit patterns that value comparison cannot see.
SafeTensors sampleTensors() {
  torch::manual_seed(0);
  SafeTensors st;
  const torch::Tensor transposed = torch::randn({3, 4}, torch::kFloat64).t();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  st.tensors = {
      {"E.fc.weight", torch::randn({2, 3})},
      {"transposed", transposed},
      {"steps", torch::arange(-5, 7, torch::kInt64).reshape({3, 4})},
      {"pixels", torch::randint(0, 256, {2, 2, 3}, torch::kUInt8)},
      {"mask", torch::rand({5}) > 0.5},
      {"half", torch::randn({4}).to(torch::kFloat16)},
      {"bf16", torch::randn({2, 2}).to(torch::kBFloat16)},
      {"i32", torch::randint(-1000, 1000, {3}, torch::kInt32)},
      {"i8", torch::randint(-128, 128, {3}, torch::kInt8)},
      {"scalar", torch::full({}, 2.5, torch::kFloat32)},
      {"empty", torch::empty({0, 4})},
      {"special", torch::tensor({0.0f, -0.0f, nan, inf, -inf, 1e-45f})},
  };
  st.metadata = {{"format", "pt"}, {"step", "1200"}, {"note", "\xc3\xbcnicode"}};
  return st;
}

TEST(SafeTensors, RoundTripIsBitExact) {
  const SafeTensors in = sampleTensors();
  ASSERT_FALSE(in.find("transposed").is_contiguous());
  const std::string path = tmpFile("round_trip.safetensors");
  writeSafeTensors(path, in);
  const SafeTensors out = readSafeTensors(path);

  ASSERT_EQ(out.tensors.size(), in.tensors.size());
  for (size_t i = 0; i < in.tensors.size(); ++i) {
    const auto& [name, expected] = in.tensors[i];
    const auto& [gotName, got] = out.tensors[i];
    SCOPED_TRACE(name);
    EXPECT_EQ(gotName, name) << "tensors come back in the order they were written";
    EXPECT_EQ(got.scalar_type(), expected.scalar_type());
    EXPECT_EQ(got.sizes(), expected.sizes());
    EXPECT_TRUE(got.is_contiguous());
    EXPECT_TRUE(got.device().is_cpu());
    EXPECT_EQ(rawBytes(got), rawBytes(expected));
    if (name != "special") { // NaN != NaN, so only the bytes can compare that one
      EXPECT_TRUE(torch::equal(got, expected));
    }
  }
  EXPECT_EQ(out.find("scalar").dim(), 0);
  EXPECT_EQ(out.find("empty").numel(), 0);
  EXPECT_EQ(out.metadata, in.metadata);

  // Python's writer pads the header so the data region is 8-byte aligned.
  const uint64_t n = headerLength(path);
  EXPECT_EQ(n % 8, 0u);
  uint64_t dataBytes = 0;
  for (const auto& [name, t] : in.tensors)
    dataBytes += static_cast<uint64_t>(t.numel()) * t.element_size();
  EXPECT_EQ(fs::file_size(path), 8 + n + dataBytes);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(SafeTensors, EmptyFileContentRoundTrips) {
  const std::string path = tmpFile("nothing.safetensors");
  writeSafeTensors(path, SafeTensors{});
  const SafeTensors out = readSafeTensors(path);
  EXPECT_TRUE(out.tensors.empty());
  EXPECT_TRUE(out.metadata.empty());
  EXPECT_EQ(headerLength(path), 8u);
}

TEST(SafeTensors, FindReturnsTensorOrUndefined) {
  SafeTensors st;
  st.tensors = {{"a", torch::ones({2})}, {"b", torch::zeros({3})}};
  EXPECT_TRUE(torch::equal(st.find("b"), torch::zeros({3})));
  EXPECT_FALSE(st.find("c").defined());
}

// A file assembled byte by byte as the format defines it, with JSON keys in another order than
// the data and no padding: the reader must not depend on what our writer happens to produce.
TEST(SafeTensors, ReadsHandAssembledFile) {
  const std::string header = R"({ "b": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]},
    "__metadata__": {"k": "v"},
    "a": {"shape": [], "data_offsets": [8, 16], "dtype": "F64"} })";
  std::string data;
  const int32_t ints[2] = {1, -2};
  const double half = 0.5;
  data.append(reinterpret_cast<const char*>(ints), sizeof ints);
  data.append(reinterpret_cast<const char*>(&half), sizeof half);
  const std::string path = tmpFile("hand.safetensors");
  writeBytes(path, lengthPrefix(header.size()) + header + data);

  const SafeTensors st = readSafeTensors(path);
  ASSERT_EQ(st.tensors.size(), 2u);
  EXPECT_EQ(st.tensors[0].first, "b"); // file order, not key order
  EXPECT_TRUE(torch::equal(st.find("b"), torch::tensor({1, -2}, torch::kInt32)));
  EXPECT_EQ(st.find("a").dim(), 0);
  EXPECT_EQ(st.find("a").item<double>(), 0.5);
  EXPECT_EQ(st.metadata, (std::map<std::string, std::string>{{"k", "v"}}));
}

TEST(SafeTensors, PassesPythonFormatCheck) {
  if (!fs::exists(kCheckScript))
    GTEST_SKIP() << kCheckScript << " not present";
  if (!havePython())
    GTEST_SKIP() << "python3 not available";
  const std::string path = tmpFile("python_check.safetensors");
  writeSafeTensors(path, sampleTensors());
  EXPECT_EQ(runCommand("python3 " + shellQuote(kCheckScript) + " " + shellQuote(path)), 0);
}

// Decodes values with Python's struct module, independently of LibTorch and of our reader.
TEST(SafeTensors, PythonDecodesSameValues) {
  if (!havePython())
    GTEST_SKIP() << "python3 not available";
  SafeTensors st;
  st.tensors = {{"w", torch::tensor({1.5f, -2.25f, 3.0f, 1e-3f}).reshape({2, 2})},
                {"n", torch::tensor({7, -9}, torch::kInt64)},
                {"m", torch::tensor({true, false, true})}};
  st.metadata = {{"arch", "mlp"}};
  const std::string path = tmpFile("python_values.safetensors");
  writeSafeTensors(path, st);

  const std::string script = tmpFile("python_values.py");
  std::ofstream(script) << R"(import json, struct, sys
raw = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
assert n % 8 == 0, n
h = json.loads(raw[8:8 + n].decode("utf-8"))
assert h["__metadata__"] == {"arch": "mlp"}, h
data = raw[8 + n:]
def get(name, fmt):
    a, b = h[name]["data_offsets"]
    return list(struct.unpack("<" + fmt, data[a:b]))
assert h["w"]["dtype"] == "F32" and h["w"]["shape"] == [2, 2]
assert get("w", "4f") == [1.5, -2.25, 3.0, struct.unpack("<f", struct.pack("<f", 1e-3))[0]]
assert h["n"]["dtype"] == "I64" and get("n", "2q") == [7, -9]
assert h["m"]["dtype"] == "BOOL" and get("m", "3B") == [1, 0, 1]
assert [h[k]["data_offsets"][0] for k in ("w", "n", "m")] == [0, 16, 32]
)";
  EXPECT_EQ(runCommand("python3 " + shellQuote(script) + " " + shellQuote(path)), 0);
}

// ---------------------------------------------------------------- corrupt files

TEST(SafeTensors, MissingFileNamesPath) {
  const std::string path = tmpFile("does_not_exist.safetensors");
  fs::remove(path);
  expectReadFails(path, "no such file");
}

TEST(SafeTensors, EmptyFileFails) {
  const std::string path = tmpFile("empty.safetensors");
  writeBytes(path, "");
  expectReadFails(path, "empty");
}

TEST(SafeTensors, FileShorterThanLengthFails) {
  const std::string path = tmpFile("short.safetensors");
  writeBytes(path, std::string("\x10\0\0\0", 4));
  expectReadFails(path, "fewer than the 8-byte header length");
}

TEST(SafeTensors, TruncatedDataFails) {
  const std::string path = tmpFile("truncated_data.safetensors");
  writeSafeTensors(path, sampleTensors());
  fs::resize_file(path, fs::file_size(path) - 3);
  expectReadFails(path, "truncated");
}

TEST(SafeTensors, TruncatedHeaderFails) {
  const std::string path = tmpFile("truncated_header.safetensors");
  writeSafeTensors(path, sampleTensors());
  const uint64_t n = headerLength(path);
  fs::resize_file(path, 8 + n / 2);
  expectReadFails(path, "truncated: header says " + std::to_string(n) + " bytes");
}

TEST(SafeTensors, AbsurdHeaderLengthFails) {
  const std::string path = tmpFile("absurd_length.safetensors");
  writeBytes(path, lengthPrefix(uint64_t{1} << 62) + "{}      ");
  expectReadFails(path, "exceeds the limit");
}

TEST(SafeTensors, ZeroHeaderLengthFails) {
  const std::string path = tmpFile("zero_length.safetensors");
  writeBytes(path, lengthPrefix(0) + "{}");
  expectReadFails(path, "header length is 0");
}

struct BadHeader {
  const char* name;
  const char* header;
  size_t dataBytes;
  const char* problem;
};

class CorruptHeader : public testing::TestWithParam<BadHeader> {};

TEST_P(CorruptHeader, Fails) {
  const BadHeader& c = GetParam();
  const std::string path = tmpFile(std::string("corrupt_") + c.name + ".safetensors");
  writeRawTensor(path, c.header, c.dataBytes);
  expectReadFails(path, c.problem);
}

const BadHeader kBadHeaders[] = {
    {"invalid_json", R"({"a": {"dtype": "F32", "shape": [1)", 4, "not valid JSON"},
    {"not_object", R"([1, 2])", 0, "not a JSON object"},
    {"entry_not_object", R"({"a": [0, 4]})", 4, "entry is not a JSON object"},
    {"unknown_dtype", R"({"a": {"dtype": "F8", "shape": [1], "data_offsets": [0, 1]}})", 1,
     "tensor 'a': unknown dtype \"F8\""},
    {"missing_dtype", R"({"a": {"shape": [1], "data_offsets": [0, 4]}})", 4, "\"dtype\""},
    {"shape_mismatch",
     R"({"E.fc.weight": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}})", 12,
     "tensor 'E.fc.weight': data_offsets [0, 12] do not match shape [2, 2] of F32"},
    {"negative_dim", R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}})", 0,
     "not a non-negative integer"},
    {"fractional_dim", R"({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})", 4,
     "not a non-negative integer"},
    {"numel_overflow",
     R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296, 4], "data_offsets": [0, 0]}})", 0,
     "too many elements"},
    {"bytes_overflow",
     R"({"a": {"dtype": "F64", "shape": [2305843009213693952], "data_offsets": [0, 0]}})", 0,
     "too many bytes"},
    {"one_offset", R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0]}})", 1,
     "array of two integers"},
    {"reversed_offsets", R"({"a": {"dtype": "U8", "shape": [0], "data_offsets": [4, 0]}})", 4,
     "end before they begin"},
    {"past_end", R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 4,
     "run past the end"},
    {"overlap",
     R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
         "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
     12, "overlaps"},
    {"gap",
     R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
         "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
     12, "gap in the data region: bytes 4..8"},
    {"trailing_bytes", R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 8,
     "gap in the data region: bytes 4..8"},
    {"duplicate_name",
     R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
         "a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}})",
     2, "names tensor 'a' twice"},
    {"metadata_not_string", R"({"__metadata__": {"step": 3}})", 0, "is not a string"},
    {"metadata_not_object", R"({"__metadata__": ["x"]})", 0, "is not a JSON object"},
};

INSTANTIATE_TEST_SUITE_P(SafeTensors, CorruptHeader, testing::ValuesIn(kBadHeaders),
                         [](const testing::TestParamInfo<BadHeader>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------- writer

TEST(SafeTensors, FailedWriteKeepsOldFile) {
  const std::string path = tmpFile("atomic.safetensors");
  writeSafeTensors(path, sampleTensors());
  const std::string before = readFile(path);

  SafeTensors bad;
  bad.tensors = {{"ok", torch::ones({2})}, {"z", torch::randn({2}, torch::kComplexFloat)}};
  try {
    writeSafeTensors(path, bad);
    ADD_FAILURE() << "complex tensors are not supported and must be rejected";
  } catch (const CheckpointError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("unsupported dtype"), std::string::npos) << what;
  }
  EXPECT_EQ(readFile(path), before);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_NO_THROW(readSafeTensors(path));
}

TEST(SafeTensors, FailedRenameRemovesTmp) {
  // A directory in the way makes the final rename fail after the tmp file is fully written.
  const std::string path = tmpFile("in_the_way.safetensors");
  fs::remove_all(path);
  fs::create_directories(fs::path(path) / "child");
  SafeTensors st;
  st.tensors = {{"a", torch::ones({3})}};
  EXPECT_THROW(writeSafeTensors(path, st), CheckpointError);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_TRUE(fs::is_directory(fs::path(path) / "child"));
  fs::remove_all(path);
}

TEST(SafeTensors, StaleTmpIsReplaced) {
  const std::string path = tmpFile("stale.safetensors");
  writeBytes(path + ".tmp", "left over by a crash");
  SafeTensors st;
  st.tensors = {{"a", torch::arange(4)}};
  writeSafeTensors(path, st);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_TRUE(torch::equal(readSafeTensors(path).find("a"), torch::arange(4)));
}

TEST(SafeTensors, WriteIntoMissingDirectoryFails) {
  const std::string path = tmpFile("no_such_dir") + "/x.safetensors";
  try {
    writeSafeTensors(path, SafeTensors{});
    ADD_FAILURE() << "writing into a missing directory must fail";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(SafeTensors, WriterRejectsBadNames) {
  const std::string path = tmpFile("bad_names.safetensors");
  fs::remove(path);
  SafeTensors dup;
  dup.tensors = {{"a", torch::ones({1})}, {"a", torch::ones({1})}};
  EXPECT_THROW(writeSafeTensors(path, dup), CheckpointError);
  SafeTensors reserved;
  reserved.tensors = {{"__metadata__", torch::ones({1})}};
  EXPECT_THROW(writeSafeTensors(path, reserved), CheckpointError);
  SafeTensors undefined;
  undefined.tensors = {{"a", torch::Tensor()}};
  EXPECT_THROW(writeSafeTensors(path, undefined), CheckpointError);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST(SafeTensors, WritesCudaTensorsFromCpu_CUDA) {
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device";
  const torch::Tensor cpu = torch::randn({3, 5});
  SafeTensors st;
  st.tensors = {{"a", cpu.to(torch::kCUDA).t()}};
  const std::string path = tmpFile("cuda.safetensors");
  writeSafeTensors(path, st);
  const torch::Tensor back = readSafeTensors(path).find("a");
  EXPECT_TRUE(back.device().is_cpu());
  EXPECT_TRUE(torch::equal(back, cpu.t()));
}

} // namespace
