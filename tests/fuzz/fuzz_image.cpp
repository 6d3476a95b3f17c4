// Image files of a folder data set: stb's decoders, then the crop and resize to the model's side
// (the first byte picks the file type, the channel handling and whether a crop box is given).
#include "data/image_folder.h"
#include "fuzz_input.h"

#include <torch/torch.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  static const char* kNames[] = {"a.png", "a.jpg", "a.bmp", "a.gif"};
  const uint8_t mode = data[0];
  std::filesystem::remove_all(ebm::fuzz::workDir() / "images");
  ebm::fuzz::writeInput(std::string("images/") + kNames[mode & 3], data + 1, size - 1);
  ebm::fuzz::writeInput("images/b.png", data + 1, size - 1);
  ebm::fuzz::parse([&] {
    ebm::ImageFolderOptions o;
    o.side = 16;
    o.channels = (mode & 4) ? 1 : 3;
    o.convertChannels = mode & 8;
    if (mode & 16)
      o.cropBox = ebm::CropBox{1, 1, 9, 9};
    ebm::ImageFolder folder((ebm::fuzz::workDir() / "images").string(), o);
    (void)folder.load(ebm::FolderSplit::Train, torch::arange(folder.size(ebm::FolderSplit::Train)));
  });
  return 0;
}
