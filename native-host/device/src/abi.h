// The host ABI, as generated from abi/src by touchline-abi-header-gen (never hand-copied),
// plus the layout checks this host relies on when it memcpy's records in and out of a
// bundle's little-endian linear memory.
#pragma once

#include <cstddef>
#include <cstdint>

#include "touchline_abi.h"

namespace touchline::host {

namespace abi = ::touchline::abi;

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "touchline-host reads wasm memory with memcpy and needs a little-endian CPU"
#endif

static_assert(sizeof(float) == 4, "f32 must be 4 bytes");
static_assert(sizeof(abi::Event) == abi::EVENT_SIZE, "Event layout");
static_assert(sizeof(abi::FrameOutput) == 16, "FrameOutput layout");
static_assert(sizeof(abi::DisplayListHeader) == abi::DISPLAY_LIST_HEADER_SIZE, "header layout");
static_assert(sizeof(abi::CommandHeader) == abi::COMMAND_HEADER_SIZE, "command header layout");
static_assert(sizeof(abi::GlyphQuad) == abi::GLYPH_QUAD_SIZE, "GlyphQuad layout");
static_assert(sizeof(abi::RectF) == 16, "RectF layout");
static_assert(sizeof(abi::RectCmd) == 32, "RectCmd layout");
static_assert(sizeof(abi::GlyphRunCmd) == 12, "GlyphRunCmd layout");
static_assert(sizeof(abi::AtlasPageCmd) == 12, "AtlasPageCmd layout");
static_assert(sizeof(abi::AtlasUploadCmd) == 12, "AtlasUploadCmd layout");
static_assert(sizeof(abi::ImageCmd) == 24, "ImageCmd layout");
static_assert(sizeof(abi::ClipCmd) == 20, "ClipCmd layout");
static_assert(sizeof(abi::OpacityCmd) == 4, "OpacityCmd layout");
static_assert(sizeof(abi::TransformCmd) == 24, "TransformCmd layout");
static_assert(sizeof(abi::LinearGradientCmd) == 40, "LinearGradientCmd layout");
static_assert(sizeof(abi::GradientStop) == abi::GRADIENT_STOP_SIZE, "GradientStop layout");
static_assert(sizeof(abi::ShadowCmd) == 28, "ShadowCmd layout");
static_assert(sizeof(abi::RequestBuffer) == 16, "RequestBuffer layout");
static_assert(sizeof(abi::RequestHeader) == abi::REQUEST_HEADER_SIZE, "RequestHeader layout");
static_assert(sizeof(abi::LoadImageRequest) == 8, "LoadImageRequest layout");
static_assert(sizeof(abi::UnloadImageRequest) == 4, "UnloadImageRequest layout");
static_assert(sizeof(abi::AnnounceRequest) == 4, "AnnounceRequest layout");
static_assert(sizeof(abi::FetchRequest) == 20, "FetchRequest layout");
static_assert(sizeof(abi::CancelFetchRequest) == 4, "CancelFetchRequest layout");
static_assert(sizeof(abi::OpenVideoRequest) == 8, "OpenVideoRequest layout");
static_assert(sizeof(abi::ControlVideoRequest) == 12, "ControlVideoRequest layout");
static_assert(offsetof(abi::DisplayListHeader, byte_len) == 20, "header layout");
static_assert(offsetof(abi::GlyphQuad, u) == 8, "GlyphQuad layout");

// `major` of an exported `major << 16 | minor` version.
constexpr uint32_t abi_major(uint32_t version) { return version >> 16; }
constexpr uint32_t abi_minor(uint32_t version) { return version & 0xffffu; }

}  // namespace touchline::host
