// sockgrade: grades socket programs. Everything lives in the library; see cli/.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return sockgrade::cli::main(argc, argv); }
