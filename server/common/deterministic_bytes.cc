#include "server/common/deterministic_bytes.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace safeguard {

std::string DeterministicBytes(const google::protobuf::Message& m) {
  std::string out(m.ByteSizeLong(), '\0');
  {
    // The stream writes its last bytes when destroyed: before `out` is read.
    google::protobuf::io::ArrayOutputStream stream(
        out.data(), static_cast<int>(out.size()));
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeWithCachedSizes(&coded);
  }
  return out;
}

}  // namespace safeguard
