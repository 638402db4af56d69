"""C++ and gRPC code from .proto files with Debian's /usr/bin/protoc and grpc_cpp_plugin.

Bazel's native proto rules need @com_google_protobuf (a download), so a genrule runs the
same protoc command the CMake build does (add_custom_command in CMakeLists.txt).
"""

_PROTOC = "/usr/bin/protoc"
_GRPC_PLUGIN = "/usr/bin/grpc_cpp_plugin"

def protoc_cc_library(name, protos, proto_path = None, deps = [], visibility = None):
    """A cc_library of the messages and gRPC stubs generated from `protos`.

    Args:
      name: the cc_library; the genrule is `name + "_gen"`.
      protos: .proto paths relative to `proto_path`, as the protos import each other.
        Generated files keep these paths (pacto/v1/model.pb.h, ...) under this package,
        and dependents include them that way.
      proto_path: None when the protos are sources of this package (at those paths);
        or an absolute directory of installed protos, e.g. /usr/share/grpc-proto (not
        tracked by Bazel: they change only with their Debian package).
      deps: more cc_library dependencies.
      visibility: of the cc_library.
    """
    bases = [p[:-len(".proto")] for p in protos]
    srcs = [b + ".pb.cc" for b in bases] + [b + ".grpc.pb.cc" for b in bases]
    hdrs = [b + ".pb.h" for b in bases] + [b + ".grpc.pb.h" for b in bases]
    if proto_path == None:
        inputs = protos
        search = native.package_name() or "."
        files = " ".join(["$(location {})".format(p) for p in protos])
    else:
        inputs = []
        search = proto_path
        files = " ".join([proto_path + "/" + p for p in protos])
    native.genrule(
        name = name + "_gen",
        srcs = inputs,
        outs = srcs + hdrs,
        cmd = " ".join([
            _PROTOC,
            "--proto_path=" + search,
            "--cpp_out=$(RULEDIR)",
            "--grpc_out=$(RULEDIR)",
            "--plugin=protoc-gen-grpc=" + _GRPC_PLUGIN,
            files,
        ]),
        message = "protoc " + name,
    )
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        # -isystem for the generated headers, like CMake's SYSTEM include directory:
        # generated code is compiled without Pacto's warnings.
        includes = ["."],
        deps = deps + ["@system//:protobuf", "@system//:grpcpp"],
        visibility = visibility,
    )
