// png_colours FILE MIN: exits 0 when the PNG has more than MIN distinct colours (a rendered
// frame, not a blank or single-colour window), else 1 with the count; 2 when it cannot be read.
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <unordered_set>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: png_colours FILE MIN\n");
    return 2;
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "cannot read %s: %s\n", argv[1], stbi_failure_reason());
    return 2;
  }
  std::unordered_set<unsigned> colours;
  for (long i = 0; i < long(w) * h; ++i)
    colours.insert(unsigned(px[3 * i]) << 16 | unsigned(px[3 * i + 1]) << 8 | px[3 * i + 2]);
  stbi_image_free(px);
  const long min = std::atol(argv[2]);
  std::printf("%s: %dx%d, %zu distinct colours (need more than %ld)\n", argv[1], w, h,
              colours.size(), min);
  return long(colours.size()) > min ? 0 : 1;
}
