// Reader for the binary version of CIFAR-10 (the cifar-10-batches-bin folder), giving the same
// ImageSet as the MNIST reader. Any thread may call it; no Qt/GL. Bad files raise DataError
// naming the file and what is wrong.
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

} // namespace ebm
