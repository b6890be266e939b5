// Just enough of PNG to read a browser's screenshot: 8-bit RGB or RGBA, not
// interlaced, every row filter. Pixels come back as RGB.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

namespace sockgrade::testing {

struct Image {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  // width * height * 3
    const std::uint8_t* at(int x, int y) const { return &rgb[(static_cast<std::size_t>(y) * width + x) * 3]; }
};

inline std::optional<Image> read_png(std::string_view file, std::string& error) {
    auto be32 = [&](std::size_t i) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(file[i])) << 24 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(file[i + 1])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(file[i + 2])) << 8 |
               static_cast<unsigned char>(file[i + 3]);
    };
    if (file.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8)) {
        error = "not a PNG";
        return std::nullopt;
    }
    Image image;
    int channels = 0;
    std::string compressed;
    for (std::size_t at = 8; at + 12 <= file.size();) {
        std::uint32_t length = be32(at);
        auto type = file.substr(at + 4, 4);
        if (at + 12 + length > file.size()) break;
        auto data = file.substr(at + 8, length);
        if (type == "IHDR") {
            image.width = static_cast<int>(be32(at + 8));
            image.height = static_cast<int>(be32(at + 12));
            int depth = static_cast<unsigned char>(data[8]), colour = static_cast<unsigned char>(data[9]);
            int interlace = static_cast<unsigned char>(data[12]);
            if (depth != 8 || (colour != 2 && colour != 6) || interlace != 0) {
                error = "unsupported PNG (depth " + std::to_string(depth) + ", colour type " + std::to_string(colour) + ")";
                return std::nullopt;
            }
            channels = colour == 6 ? 4 : 3;
        } else if (type == "IDAT") {
            compressed.append(data);
        }
        at += 12 + length;
    }
    if (channels == 0 || image.width <= 0 || image.height <= 0) {
        error = "no image header";
        return std::nullopt;
    }
    std::size_t stride = static_cast<std::size_t>(image.width) * channels;
    std::vector<std::uint8_t> raw((stride + 1) * image.height);
    uLongf size = raw.size();
    if (::uncompress(raw.data(), &size, reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK ||
        size != raw.size()) {
        error = "cannot inflate the image data";
        return std::nullopt;
    }
    std::vector<std::uint8_t> previous(stride, 0), row(stride);
    image.rgb.resize(static_cast<std::size_t>(image.width) * image.height * 3);
    for (int y = 0; y < image.height; ++y) {
        const std::uint8_t* line = &raw[y * (stride + 1)];
        int filter = line[0];
        for (std::size_t i = 0; i < stride; ++i) {
            int a = i >= static_cast<std::size_t>(channels) ? row[i - channels] : 0;
            int b = previous[i];
            int c = i >= static_cast<std::size_t>(channels) ? previous[i - channels] : 0;
            int predicted = 0;
            switch (filter) {
                case 0: predicted = 0; break;
                case 1: predicted = a; break;
                case 2: predicted = b; break;
                case 3: predicted = (a + b) / 2; break;
                case 4: {
                    int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
                    predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    break;
                }
                default: error = "bad row filter"; return std::nullopt;
            }
            row[i] = static_cast<std::uint8_t>(line[1 + i] + predicted);
        }
        for (int x = 0; x < image.width; ++x)
            for (int k = 0; k < 3; ++k) image.rgb[(static_cast<std::size_t>(y) * image.width + x) * 3 + k] = row[x * channels + k];
        previous = row;
    }
    return image;
}

}  // namespace sockgrade::testing
