#include "batch/files.hpp"

#include <gtest/gtest.h>

#include "batch_support.hpp"

namespace sockgrade::batch {
namespace {

using testing::TempDir;

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 pieces;
    std::string million(1000000, 'a');
    for (std::size_t i = 0; i < million.size(); i += 777) pieces.update(std::string_view(million).substr(i, 777));
    EXPECT_EQ(pieces.hex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(TreeHash, ChangesWithAnyFileAndOnlyThen) {
    TempDir dir;
    dir.write("a/servidor.py", "print(1)\n");
    dir.write("b.txt", "x");
    auto first = tree_hash(dir.path());
    EXPECT_EQ(first, tree_hash(dir.path()));
    dir.write("b.txt", "y");
    auto second = tree_hash(dir.path());
    EXPECT_NE(first, second);
    dir.write("a/new.py", "");
    EXPECT_NE(second, tree_hash(dir.path()));
    // Renaming a file changes the hash even with the same bytes.
    TempDir other;
    other.write("x.py", "print(1)\n");
    TempDir renamed;
    renamed.write("y.py", "print(1)\n");
    EXPECT_NE(tree_hash(other.path()), tree_hash(renamed.path()));
}

TEST(WriteFileAtomically, WritesWholeFileAndLeavesNoTemporary) {
    TempDir dir;
    auto path = (dir / "out/sub/gradebook.csv").string();
    ASSERT_TRUE(write_file_atomically(path, "a,b\r\n"));
    EXPECT_EQ(read_file(path).value_or(""), "a,b\r\n");
    ASSERT_TRUE(write_file_atomically(path, "c"));
    EXPECT_EQ(read_file(path).value_or(""), "c");
    int files = 0;
    for (auto& entry : std::filesystem::directory_iterator(dir / "out/sub")) {
        (void)entry;
        ++files;
    }
    EXPECT_EQ(files, 1);
}

TEST(CopyTree, CopiesFilesAndSkipsSymlinks) {
    TempDir from, to;
    from.write("ana/servidor.py", "print(1)\n");
    std::filesystem::create_symlink("/etc/passwd", from / "ana/passwd");
    auto report = copy_tree(from.path(), (to / "copy").string(), 1 << 20);
    EXPECT_FALSE(report.too_big);
    EXPECT_EQ(read_file((to / "copy/ana/servidor.py").string()).value_or(""), "print(1)\n");
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(to / "copy/ana/passwd")));
    ASSERT_EQ(report.skipped.size(), 1u);
    EXPECT_NE(report.skipped[0].find("symbolic link"), std::string::npos);
    auto small = copy_tree(from.path(), (to / "small").string(), 3);
    EXPECT_TRUE(small.too_big);
}

TEST(Text, Utf8AndLatin1) {
    EXPECT_TRUE(is_valid_utf8("José ação"));
    EXPECT_FALSE(is_valid_utf8("Jos\xe9"));
    EXPECT_FALSE(is_valid_utf8("\xc3"));
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a surrogate
    EXPECT_EQ(to_utf8("Jos\xe9"), "José");
    EXPECT_EQ(to_utf8("José"), "José");
}

TEST(StudentSlug, CleanNamesStayOthersGetAHash) {
    EXPECT_EQ(student_slug("ana"), "ana");
    EXPECT_EQ(student_slug("Ana_2"), "Ana_2");
    auto jose = student_slug("José da Silva");
    EXPECT_TRUE(jose.starts_with("jose-da-silva-")) << jose;
    EXPECT_EQ(jose.size(), std::string("jose-da-silva-").size() + 6);
    EXPECT_NE(student_slug("José"), student_slug("Jose\xcc\x81"));  // same look, other bytes: other files
    EXPECT_TRUE(student_slug("../../etc").find('/') == std::string::npos);
    EXPECT_TRUE(student_slug("..").starts_with("student-"));
    EXPECT_TRUE(student_slug("Érica Lima").starts_with("erica-lima-"));
}

TEST(CsvField, QuotesPerRfc4180) {
    EXPECT_EQ(csv_field("ana"), "ana");
    EXPECT_EQ(csv_field("Silva, Ana"), "\"Silva, Ana\"");
    EXPECT_EQ(csv_field("diz \"oi\""), "\"diz \"\"oi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field(" lead"), "\" lead\"");
    EXPECT_EQ(csv_field("Érica"), "Érica");
}

TEST(FormatPoints, AtMostTwoDecimals) {
    EXPECT_EQ(format_points(2), "2");
    EXPECT_EQ(format_points(0.5), "0.5");
    EXPECT_EQ(format_points(0.1 + 0.2), "0.3");
    EXPECT_EQ(format_points(7.25), "7.25");
    EXPECT_EQ(format_points(-0.0), "0");
}

TEST(HtmlEscape, EscapesMarkup) {
    EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace sockgrade::batch
