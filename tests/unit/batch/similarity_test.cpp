#include "batch/similarity.hpp"

#include <gtest/gtest.h>

namespace sockgrade::batch {
namespace {

TEST(NormaliseSource, PythonCommentsAndBlanksGoStringsStay) {
    EXPECT_EQ(normalise_source("x = 1  # um\n\n  print( 'a # b' )\n", ".py"), "x=1print('a # b')");
    EXPECT_EQ(normalise_source("s = \"\"\"doc # not a comment\"\"\"\n", ".py"), "s=\"\"\"doc # not a comment\"\"\"");
}

TEST(PythonCodeOnly, CommentsGoStringsAreEmptiedSpacesStay) {
    EXPECT_EQ(python_code_only("x = 1  # texto = raw_input('> ')\nprint( 'raw_input(' )\n"), "x = 1  \nprint( '' )\n");
    EXPECT_EQ(python_code_only("s = \"\"\"xrange(3)\n# not a comment\"\"\"\nn = xrange (3)\n"),
              "s = \"\"\"\"\"\"\nn = xrange (3)\n");
    EXPECT_EQ(python_code_only("a = 'it\\'s'  # x\n"), "a = ''  \n");
}

TEST(NormaliseSource, CFamilyComments) {
    EXPECT_EQ(normalise_source("int x; // um\n/* dois\n tres */ int y = '/'; char *s = \"// nao\";", ".c"),
              "intx;inty='/';char*s=\"// nao\";");
    EXPECT_EQ(normalise_source("a /* unterminated", ".java"), "a");
}

TEST(Similarity, IdenticalAndDifferent) {
    EXPECT_EQ(similarity("abcdefgh", "abcdefgh"), 1.0);
    EXPECT_LT(similarity("abcdefghijkl", "mnopqrstuvwx"), 0.01);
    EXPECT_GT(similarity(std::string(200, 'a') + "xyz", std::string(200, 'a') + "xyw"), 0.5);
}

TEST(SimilarPairs, FindsCopiesDespiteCommentsAndSpacing) {
    std::string ana = "import socket\nHOST = ''  # todas\nPORT = 5000\ntcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
                      "tcp.bind((HOST, PORT))\ntcp.listen(1)\ncon, cliente = tcp.accept()\nprint('Conectado por', cliente)\n";
    std::string lara = "# Lara\nimport socket\n\nHOST  = ''\nPORT  = 5000   # porta\ntcp = socket.socket(socket.AF_INET,  socket.SOCK_STREAM)\n"
                       "tcp.bind((HOST, PORT))\ntcp.listen(1)\ncon, cliente = tcp.accept()   # espera\nprint('Conectado por', cliente)\n";
    std::string kaio = "import socket\ns = socket.socket()\ns.bind(('', 5000))\ns.listen(1)\nwhile True:\n    c, a = s.accept()\n"
                       "    print('Mensagem:', c.recv(1024).decode())\n    c.close()\n";
    std::vector<Fingerprint> sources = {{"lara", normalise_source(lara, ".py")},
                                        {"ana", normalise_source(ana, ".py")},
                                        {"kaio", normalise_source(kaio, ".py")},
                                        {"tiny", "x"}};
    auto pairs = similar_pairs(sources);
    ASSERT_EQ(pairs.size(), 1u);
    EXPECT_EQ(pairs[0].first, "ana");
    EXPECT_EQ(pairs[0].second, "lara");
    EXPECT_EQ(pairs[0].similarity, 1.0);
}

TEST(SimilarPairs, ShortSourcesAreLeftOut) {
    std::vector<Fingerprint> sources = {{"a", "print(1)"}, {"b", "print(1)"}};
    EXPECT_TRUE(similar_pairs(sources).empty());
    EXPECT_EQ(similar_pairs(sources, 0.9, 1).size(), 1u);
}

}  // namespace
}  // namespace sockgrade::batch
