// Which of the six labs a student's folder holds, when nobody said: guessed
// from what its programs' source does (TCP or UDP, listens or connects,
// threads or select, a list of clients, stdin) and, to break a tie, from
// their names (name_fit). For `sockgrade check` without a lab. The guess is
// sure only when one lab fits; otherwise it names the labs that do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "batch/detect.hpp"
#include "scenario/scenario.hpp"

namespace sockgrade::batch {

// The six labs of assignments.md, in that order.
const std::vector<Lab>& known_labs();

// What one source file does, as far as a few patterns can tell (comments,
// string literals and C preprocessor lines are not looked at).
struct SourceSigns {
    bool tcp = false;          // SOCK_STREAM, ServerSocket, socket.socket() ...
    bool udp = false;          // SOCK_DGRAM, DatagramSocket
    bool listens = false;      // listen/accept: a TCP server
    bool connects = false;     // connect: a client
    bool binds = false;        // bind (a UDP server binds, a UDP client need not)
    bool sends_to = false;     // sendto: a UDP sender
    bool receives = false;     // recv, an input stream: reads from the network
    bool concurrent = false;   // threads, select/poll, asyncio, fork
    bool client_list = false;  // a collection of clients (clientes = [], List<Socket>, a loop that sends to each)
    bool reads_stdin = false;  // input(), sys.stdin, fgets(stdin), Scanner(System.in) ...
    bool uses_sockets() const { return tcp || udp || listens || connects || binds || sends_to; }
};

// kind: python, c, c++ or java (how comments look); anything else is read as C.
SourceSigns read_signs(std::string_view source, std::string_view kind);

// One program file's guess: the labs that fit it, and why in words.
struct FileGuess {
    std::string file;                // relative, UTF-8
    std::vector<std::string> labs;   // in known_labs() order
    scenario::Text why;              // "servidor.py is a TCP server with threads or select and a list of clients"
};

// The labs that a file with these signs and this name fits.
FileGuess guess_file(const std::string& file, const SourceSigns& signs);

struct LabGuess {
    std::vector<std::string> labs;  // in known_labs() order; exactly one when sure; none: no program found
    scenario::Text why;
    bool sure() const { return labs.size() == 1; }
    // Not sure: one line that names the candidates and how to say which.
    util::Text question() const;
};

// Looks at the program files that detect() would choose among (program_files).
LabGuess guess_lab(const std::string& dir);

}  // namespace sockgrade::batch
