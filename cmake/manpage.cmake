# Build the manual page ssoc(1) from the binary's own --help texts, so the two cannot drift apart:
#     cmake -DSSOC=path/to/ssoc -DOUT=ssoc.1 -DVERSION=x.y.z -DDATADIR=share/ssoc -DDOCDIR=share/doc/ssoc -P manpage.cmake
# The page is the top-level help, every command's --help verbatim, and the sections a manual page
# needs beyond them (files, environment, exit status).

function(ssoc_help out)
  execute_process(COMMAND ${SSOC} ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "manpage: '${SSOC} ${ARGN} --help' exited with ${rc}")
  endif()
  # roff: a backslash is \e, a line starting with . or ' needs \& in front
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

ssoc_help(top)
# the command names: the lines "  NAME  summary" under "commands:" in the top-level help
string(REGEX MATCH "commands:\n(.*)\n\n" block "${top}")
string(REGEX MATCHALL "\n  ([a-z]+) " names "\n${CMAKE_MATCH_1}")
set(cmds "")
foreach(n ${names})
  string(STRIP "${n}" n)
  list(APPEND cmds ${n})
endforeach()
list(LENGTH cmds ncmds)
if(ncmds LESS 1)
  message(FATAL_ERROR "manpage: no commands found in '${SSOC} --help'")
endif()

string(TIMESTAMP year "%Y")
set(page ".TH SSOC 1 \"${year}\" \"ssoc ${VERSION}\" \"User Commands\"
.SH NAME
ssoc \\- where a sulfide glass (Li2S)x(P2S5)1-x conducts lithium best, and how sure that is
.SH SYNOPSIS
.B ssoc
.I COMMAND
[\\fIARGS\\fR]...
.br
.B ssoc
\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR
.SH DESCRIPTION
.nf
${top}.fi
.PP
The science (model, fit, bootstrap, design rules, reference numbers, known limits) is described in
.IR ${DOCDIR}/MODEL.md ;
building, installing and portable builds in
.IR ${DOCDIR}/BUILDING.md .
.SH COMMANDS
")
foreach(c ${cmds})
  ssoc_help(text ${c})
  string(APPEND page ".SS ssoc ${c}\n.nf\n${text}.fi\n")
endforeach()
string(APPEND page ".SH FILES
.TP
.I ${DATADIR}/data/
The shipped data sets: kim2026_lps_aimd_500K.csv (23 AIMD points at 500 K, the default data of every
command, and the range that \\fB\\-\\-params published\\fR is checked against) and
zhou2024_mlff_300K.csv (an independent 300 K set for \\fBssoc validate\\fR).
.TP
.I ${DATADIR}/configs/
Sweep configurations: default.ini (every key documented), fine_500K.ini, temperature.ini. Relative
paths in a configuration start from its own directory, so
\\fBssoc sweep ${DATADIR}/configs/default.ini \\-o default.h5\\fR runs from anywhere.
.TP
.I ${DATADIR}/jobs/
SLURM batch scripts (sweep.sbatch, array.sbatch, collect_rules.sh) and their README.md.
.SH ENVIRONMENT
.TP
.B SSOC_DATA_DIR
Directory of the shipped data, instead of ${DATADIR}/data beside the installed binary.
.TP
.B OMP_NUM_THREADS
OpenMP threads per process (sweep, bootstrap).
.TP
.B SSOC_MPI
1 forces MPI (a singleton), 0 forbids it; by default \\fBssoc sweep\\fR initialises MPI only under
a launcher (mpirun, mpiexec, srun).
.TP
.B SSOC_KERNEL_ISA
Pin the vectorised kernel to one instruction set (default, avx2 or avx512f); see BUILDING.md,
\\(lqPortability\\(rq.
.SH EXIT STATUS
0 success; 1 runtime error (bad data, failed fit, I/O); 2 usage error; 3 verification failed;
4 interrupted but resumable. Every error is one line on standard error,
\\(lqssoc: COMMAND: WHAT WENT WRONG\\(rq, naming the file, line and column or key where it applies.
")
file(WRITE ${OUT} "${page}")
