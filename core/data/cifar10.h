// Readers for the binary versions of CIFAR-10 (the cifar-10-batches-bin folder) and CIFAR-100
// (cifar-100-binary), giving the same ImageSet as the MNIST reader. Any thread may call them;
// no Qt/GL. Bad files raise DataError naming the file and what is wrong.
#pragma once

#include "data/idx.h"

#include <string>

namespace ebm {

/// Loads "train" (data_batch_1..5.bin) or "test" (test_batch.bin) from a cifar-10-batches-bin
/// folder (or its parent that contains it). Images (N, 3, 32, 32) float32 in [-1, 1] (p/127.5-1),
/// labels (N) int64. limit > 0 keeps the first `limit` images; files after the one that reaches
/// the limit are not opened. Throws DataError: unknown split, missing folder or batch file, a
/// file size that is not a whole number of 3073-byte records, or a label byte above 9 (record
/// numbers in messages count from 0 within their file).
ImageSet loadCifar10(const std::string& folder, const std::string& split, int limit = 0);

/// Loads "train" (train.bin) or "test" (test.bin) of the binary CIFAR-100 (as unpacked from
/// cifar-100-binary.tar.gz) from its cifar-100-binary folder (or the parent that contains it),
/// or the one record file `path` names (then `split` is not used). Each 3074-byte record is a
/// coarse label byte (0..19), a fine label byte (0..99) and 3072 pixel bytes (red, green, blue
/// planes). Images (N, 3, 32, 32) float32 in [-1, 1], labels (N) int64 = the fine labels.
/// limit > 0 keeps the first `limit` images. Throws DataError naming the file: unknown split,
/// missing folder or file, a size that is not a whole number of 3074-byte records, or a label
/// byte out of range.
ImageSet loadCifar100(const std::string& path, const std::string& split, int limit = 0);

} // namespace ebm
