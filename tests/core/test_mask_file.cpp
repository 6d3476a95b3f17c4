// Mask files: grey >= 128 is observed, below it missing; another size, a corrupt file and a PNG
// whose chunk claims more bytes than the file holds are refused with the file's name.
#include "image_io.h"
#include "masks.h"

#include "errors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {
namespace fs = std::filesystem;

std::string maskTmpFile(const std::string& name) {
  const fs::path dir = fs::path(EBM_TEST_TMP) / "mask_file";
  fs::create_directories(dir);
  return (dir / name).string();
}

template <typename F> std::string errorOf(F&& f) {
  try {
    f();
  } catch (const ebm::DataError& e) {
    return e.what();
  }
  return "";
}

TEST(MaskFile, GreyAtOrAbove128IsObservedBelowItMissing) {
  ebm::Image img;
  img.width = 3;
  img.height = 2;
  img.channels = 1;
  img.pixels = {0, 127, 128, 255, 200, 10};
  const std::string path = maskTmpFile("grey.png");
  ebm::writePng(path, img);
  const ebm::Mask m = ebm::readMaskImage(path, 2, 3);
  EXPECT_EQ(m.width, 3);
  EXPECT_EQ(m.height, 2);
  EXPECT_EQ(m.observed, (std::vector<uint8_t>{0, 0, 1, 1, 1, 0}));

  ebm::Image rgb;  // colour counts by its luma: white observed, black and dark red missing
  rgb.width = 3;
  rgb.height = 1;
  rgb.pixels = {255, 255, 255, 0, 0, 0, 120, 0, 0};
  ebm::writePng(maskTmpFile("rgb.png"), rgb);
  EXPECT_EQ(ebm::readMaskImage(maskTmpFile("rgb.png"), 1, 3).observed,
            (std::vector<uint8_t>{1, 0, 0}));
}

TEST(MaskFile, AnotherSizeACorruptFileAndAnOverclaimingChunkAreRefusedByName) {
  ebm::Image img;
  img.width = img.height = 4;
  img.channels = 1;
  img.pixels.assign(16, 255);
  const std::string path = maskTmpFile("four.png");
  ebm::writePng(path, img);
  const std::string size = errorOf([&] { ebm::readMaskImage(path, 28, 28); });
  EXPECT_NE(size.find("four.png is 4x4 but the image is 28x28"), std::string::npos) << size;

  const std::string corrupt = maskTmpFile("corrupt.png");
  std::ofstream(corrupt) << "not an image";
  EXPECT_NE(errorOf([&] { ebm::readMaskImage(corrupt, 4, 4); }).find("corrupt.png"),
            std::string::npos);

  // The PNG signature, then an IHDR chunk that claims 2 GB.
  const std::string big = maskTmpFile("overclaim.png");
  std::ofstream(big, std::ios::binary)
      .write("\x89PNG\r\n\x1a\n\x7f\xff\xff\xffIHDR\0\0\0\0\0\0\0\0", 24);
  const std::string claim = errorOf([&] { ebm::readMaskImage(big, 4, 4); });
  EXPECT_NE(claim.find("claims"), std::string::npos) << claim;

  EXPECT_NE(errorOf([&] { ebm::readMaskImage(maskTmpFile("missing.png"), 4, 4); })
                .find("missing.png"),
            std::string::npos);
}

// A fuzz finding (the image target, the decode images and masks share): a 55-byte BMP whose
// header claims 63241 x 4096 pixels, under the 2^28 bound, made stb allocate 777 MB and decode
// for seconds. A file must be able to hold what it claims.
TEST(MaskFile, ATinyFileClaimingHundredsOfMegapixelsIsRefusedBeforeDecoding) {
  const std::string path = maskTmpFile("pixel_claim.bmp");
  const char bytes[] = "\x42\x4d\x32\x01\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00"
                       "\x00\x09\xf7\x00\x00\x00\x10\x00\x00\x01\x00\x18\x00\x00\x00\x00\x00"
                       "\xfc\xf4\x6c\x2b\x2c\x32\x51\x6f\x84\x00\x00\x3b\x28\x00\x00\x00\xff"
                       "\x00\x0a\x01";
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes, sizeof(bytes) - 1);
  const std::string e = errorOf([&] { ebm::readMaskImage(path, 4, 4); });
  EXPECT_NE(e.find("63241x4096 pixels in 54 bytes"), std::string::npos) << e;
}

} // namespace
