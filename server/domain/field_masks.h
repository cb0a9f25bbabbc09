// Partial updates with google.protobuf.FieldMask (AIP-134).
//
// `*` alone updates every mutable field; an empty mask updates the fields the
// patch populates. A path that names no field, or an output-only field, is an
// INVALID_ARGUMENT violation on "update_mask.paths[i]".
#pragma once

#include <set>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace podmeta::domain {

// Copies the masked fields of `patch` into `target` (same message type).
// Repeated and message fields are replaced, not merged; a masked field the
// patch leaves unset is cleared.
absl::Status ApplyFieldMask(const google::protobuf::Message& patch, const google::protobuf::FieldMask& mask,
                            const std::set<std::string>& mutable_paths, google::protobuf::Message& target);

}  // namespace podmeta::domain
