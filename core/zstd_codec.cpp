#include "zstd_codec.hpp"

#include <zstd.h>

#include <algorithm>
#include <memory>

#include "error.hpp"
#include "unique_fd.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

struct CctxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DctxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};
using Cctx = std::unique_ptr<ZSTD_CCtx, CctxFree>;
using Dctx = std::unique_ptr<ZSTD_DCtx, DctxFree>;

Cctx new_cctx(int level) {
  Cctx c(ZSTD_createCCtx());
  if (!c) throw Error("zstd: out of memory");
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_contentSizeFlag, 1);
  // 4 bytes a frame: a damaged frame fails as such, before the hash check.
  ZSTD_CCtx_setParameter(c.get(), ZSTD_c_checksumFlag, 1);
  return c;
}

Dctx new_dctx() {
  Dctx d(ZSTD_createDCtx());
  if (!d) throw Error("zstd: out of memory");
  return d;
}

[[noreturn]] void corrupt(const std::string& where, size_t code) {
  throw Error(Errc::integrity, where + ": corrupt zstd data (" + ZSTD_getErrorName(code) + ")");
}

}  // namespace

std::string zstd_compress(std::string_view data, int level) {
  Cctx c = new_cctx(level);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress2(c.get(), out.data(), out.size(), data.data(), data.size());
  if (ZSTD_isError(n)) throw Error(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::string zstd_decompress(std::string_view frames, uint64_t max_size, const std::string& where) {
  Dctx d = new_dctx();
  std::string out;
  // The declared size only sizes the first allocation, capped: a lying
  // header cannot make us allocate what the data does not decode to.
  unsigned long long declared = ZSTD_getFrameContentSize(frames.data(), frames.size());
  if (declared != ZSTD_CONTENTSIZE_ERROR && declared != ZSTD_CONTENTSIZE_UNKNOWN)
    out.reserve(static_cast<size_t>(std::min<unsigned long long>({declared, max_size, 16ull << 20})));
  ZSTD_inBuffer in{frames.data(), frames.size(), 0};
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  size_t pending = 1;
  while (in.pos < in.size || pending != 0) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    size_t before = in.pos;
    pending = ZSTD_decompressStream(d.get(), &o, &in);
    if (ZSTD_isError(pending)) corrupt(where, pending);
    if (out.size() + o.pos > max_size) throw Error(Errc::integrity, where + ": decodes to more than its declared size");
    out.append(chunk.data(), o.pos);
    if (in.pos == before && o.pos == 0 && in.pos == in.size)
      throw Error(Errc::integrity, where + ": compressed data is cut off");
  }
  return out;
}

uint64_t zstd_compress_stream(int in, const fs::path& in_path, int out, const fs::path& out_path, int level) {
  Cctx c = new_cctx(level);
  std::string ibuf(ZSTD_CStreamInSize() * 8, '\0'), obuf(ZSTD_CStreamOutSize(), '\0');
  uint64_t written = 0;
  for (;;) {
    size_t n = read_full(in, ibuf.data(), ibuf.size(), in_path);
    ZSTD_EndDirective mode = n < ibuf.size() ? ZSTD_e_end : ZSTD_e_continue;
    ZSTD_inBuffer ib{ibuf.data(), n, 0};
    size_t left = 0;
    do {
      ZSTD_outBuffer ob{obuf.data(), obuf.size(), 0};
      left = ZSTD_compressStream2(c.get(), &ob, &ib, mode);
      if (ZSTD_isError(left)) throw Error(std::string("zstd compression failed: ") + ZSTD_getErrorName(left));
      write_all(out, obuf.data(), ob.pos, out_path);
      written += ob.pos;
    } while (mode == ZSTD_e_end ? left != 0 : ib.pos < ib.size);
    if (mode == ZSTD_e_end) return written;
  }
}

uint64_t zstd_decompress_stream(int in, const fs::path& in_path, int out, const fs::path& out_path,
                                const std::string& where) {
  Dctx d = new_dctx();
  std::string ibuf(ZSTD_DStreamInSize() * 8, '\0'), obuf(ZSTD_DStreamOutSize(), '\0');
  uint64_t written = 0;
  size_t pending = 0;
  bool any = false;
  while (size_t n = read_full(in, ibuf.data(), ibuf.size(), in_path)) {
    any = true;
    ZSTD_inBuffer ib{ibuf.data(), n, 0};
    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob{obuf.data(), obuf.size(), 0};
      pending = ZSTD_decompressStream(d.get(), &ob, &ib);
      if (ZSTD_isError(pending)) corrupt(where, pending);
      write_all(out, obuf.data(), ob.pos, out_path);
      written += ob.pos;
    }
  }
  // Input ended: drain what the decoder still holds; a frame not finished by
  // now was cut off.
  while (pending != 0) {
    ZSTD_inBuffer ib{nullptr, 0, 0};
    ZSTD_outBuffer ob{obuf.data(), obuf.size(), 0};
    pending = ZSTD_decompressStream(d.get(), &ob, &ib);
    if (ZSTD_isError(pending)) corrupt(where, pending);
    if (ob.pos == 0) throw Error(Errc::integrity, where + ": compressed data is cut off");
    write_all(out, obuf.data(), ob.pos, out_path);
    written += ob.pos;
  }
  if (!any) throw Error(Errc::integrity, where + ": no compressed data");
  return written;
}

bool worth_compressing(std::string_view sample, int level) {
  if (sample.empty()) return false;
  return zstd_compress(sample, level).size() + sample.size() / 32 <= sample.size();
}

}  // namespace mlops
