"""The OCR models rewritten in memory before onnxruntime loads them (``fused``): the element-wise
steps PaddleOCR's export spells out one tensor pass each, done inside the convolutions. Loaded with
the first OCR engine (``ocr_engine._session``), never by a review of a text report."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

_FLOAT, _INT64 = 1, 7  # onnx.TensorProto's data types

# The few fields of onnx.proto that ``fused`` reads or writes (onnx itself is no dependency): every
# other field is carried through as it was read.
_ONNX = {
    "TensorProto": [
        ("dims", 1, "int64*"),
        ("data_type", 2, "int32"),
        ("name", 8, "string"),
        ("raw_data", 9, "bytes"),
    ],
    "AttributeProto": [("name", 1, "string"), ("t", 5, "TensorProto"), ("ints", 8, "int64*")],
    "NodeProto": [
        ("input", 1, "string*"),
        ("output", 2, "string*"),
        ("name", 3, "string"),
        ("op_type", 4, "string"),
        ("attribute", 5, "AttributeProto*"),
    ],
    "ValueInfoProto": [("name", 1, "string")],
    "GraphProto": [
        ("node", 1, "NodeProto*"),
        ("initializer", 5, "TensorProto*"),
        ("output", 12, "ValueInfoProto*"),
    ],
    "OperatorSetIdProto": [("domain", 1, "string"), ("version", 2, "int64")],
    "ModelProto": [("graph", 7, "GraphProto"), ("opset_import", 8, "OperatorSetIdProto*")],
}


@cache
def fused(model: str) -> bytes:
    """The model with the element-wise steps PaddleOCR's export spells out one tensor pass each
    (over half of the models' non-constant nodes, half their time on one thread, and the layout
    changes around them) done inside other nodes: a convolution's learnable affine scale and shift
    folded into its weights and bias, or into the next 1×1 convolution's, and x · clip(x + 3, 0, 6) / 6
    computed as one HardSwish, which onnxruntime fuses into the convolution before it. The same
    arithmetic rounded differently: on the benchmark's and the tests' 16 pages the same characters
    and boxes, each probability within 4e-4; detection in 0.64, recognition in 0.57 of the time.
    Batching lines of one width, session options (no memory pattern or arena, denormals as zero,
    lower optimisation levels) and folding into padded 3×3 convolutions (the border then reads
    another character) gained nothing or read otherwise."""
    graph_model = _onnx_model()
    with open(model, "rb") as file:
        parsed = graph_model.FromString(file.read())
    graph = parsed.graph
    named = [node.name for node in graph.node if node.op_type != "Constant"]
    if "" in named or len(set(named)) < len(named):  # the nodes taken out are told by their names
        return parsed.SerializeToString()
    _fold_affine(graph)
    _fold_into_pointwise(graph)
    if _hard_swish(graph):
        for opset in parsed.opset_import:
            if opset.domain == "" and opset.version < 14:  # HardSwish is of opset 14
                opset.version = 14
                _squeeze_axes_as_inputs(graph)
    return parsed.SerializeToString()


def _onnx_model() -> Any:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field = descriptor_pb2.FieldDescriptorProto
    scalars = {
        "int64": field.TYPE_INT64,
        "int32": field.TYPE_INT32,
        "string": field.TYPE_STRING,
        "bytes": field.TYPE_BYTES,
    }
    schema = descriptor_pb2.FileDescriptorProto(
        name="nianbao_onnx.proto", package="nianbao_onnx", syntax="proto2"
    )
    for message, fields in _ONNX.items():
        described = schema.message_type.add(name=message)
        for name, number, kind in fields:
            label = field.LABEL_REPEATED if kind.endswith("*") else field.LABEL_OPTIONAL
            kind = kind.rstrip("*")
            if kind in scalars:
                described.field.add(name=name, number=number, label=label, type=scalars[kind])
            else:
                described.field.add(
                    name=name,
                    number=number,
                    label=label,
                    type=field.TYPE_MESSAGE,
                    type_name=f".nianbao_onnx.{kind}",
                )
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(schema.SerializeToString())
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("nianbao_onnx.ModelProto"))


def _fold_affine(graph: Any) -> None:
    """Conv → Mul(scale) → Add(shift), each the only reader of the one before: the convolution's
    weights times the scale, its bias times the scale plus the shift."""
    constants, readers = _constants(graph), _readers(graph)
    gone = set()
    for conv in graph.node:
        if conv.op_type != "Conv" or not set(conv.input[1:3]) <= constants.keys():
            continue
        after = _chain(conv, ("Mul", "Add"), readers)
        if not after:
            continue
        mul, add = after
        scale, shift = _other_scalar(mul, constants), _other_scalar(add, constants)
        if scale is None or shift is None:
            continue
        weights = constants[conv.input[1]]
        bias = constants[conv.input[2]] if len(conv.input) > 2 else np.zeros(weights.shape[0], np.float32)
        del conv.input[1:]
        conv.input.extend(
            [
                _initializer(graph, f"{add.output[0]}/weights", weights * scale),
                _initializer(graph, f"{add.output[0]}/bias", bias * scale + shift),
            ]
        )
        gone |= {mul.name, add.name}
        conv.output[0] = add.output[0]
    _drop(graph, gone)


def _fold_into_pointwise(graph: Any) -> None:
    """Mul(scale) → Add(shift) → a 1×1 convolution unpadded: the weights times the scale, the bias
    plus the shift times the weights' sum. A padded kernel would see the shift's zero padding
    differently at the borders (tried on the 3×3 ones: a line's characters changed)."""
    constants, readers = _constants(graph), _readers(graph)
    gone = set()
    for mul in graph.node:
        after = _chain(mul, ("Add", "Conv"), readers) if mul.op_type == "Mul" else []
        if not after:
            continue
        add, conv = after
        if conv.input[0] != add.output[0] or not set(conv.input[1:3]) <= constants.keys():
            continue
        scale, shift, weights = (
            _other_scalar(mul, constants),
            _other_scalar(add, constants),
            constants[conv.input[1]],
        )
        padded = any(v for a in conv.attribute if a.name == "pads" for v in a.ints)
        if scale is None or shift is None or weights.shape[2:] != (1, 1) or padded:
            continue
        bias = constants[conv.input[2]] if len(conv.input) > 2 else np.zeros(weights.shape[0], np.float32)
        x = mul.input[1] if _scalar(mul.input[0], constants) is not None else mul.input[0]
        del conv.input[:]
        conv.input.extend(
            [
                x,
                _initializer(graph, f"{conv.output[0]}/scaled weights", weights * scale),
                _initializer(
                    graph, f"{conv.output[0]}/shifted bias", bias + shift * weights.sum(axis=(1, 2, 3))
                ),
            ]
        )
        gone |= {mul.name, add.name}
    _drop(graph, gone)


def _hard_swish(graph: Any) -> bool:
    """x · clip(x + 3, 0, 6) / 6, spelt Add, Clip, Mul, Div, as one HardSwish (the Div's node)."""
    constants, readers = _constants(graph), _readers(graph)
    gone = set()
    for add in graph.node:
        if add.op_type != "Add" or len(add.input) != 2 or _scalar(add.input[1], constants) != 3:
            continue
        x = add.input[0]
        after = _chain(add, ("Clip", "Mul", "Div"), readers)
        if not after:
            continue
        clip, mul, div = after
        if not (
            [_scalar(bound, constants) for bound in clip.input[1:]] == [0, 6]
            and sorted(mul.input) == sorted([x, clip.output[0]])
            and list(div.input) == [mul.output[0], div.input[1]]
            and _scalar(div.input[1], constants) == 6
        ):
            continue
        gone |= {add.name, clip.name, mul.name}
        div.op_type = "HardSwish"
        del div.input[:]
        div.input.append(x)
    _drop(graph, gone)
    return bool(gone)


def _squeeze_axes_as_inputs(graph: Any) -> None:
    """Squeeze and Unsqueeze as opset 13 has them: the axes an input, no longer an attribute (the
    one change from opset 12 to 14 that these models' nodes see: their Softmax is on the last axis)."""
    for node in graph.node:
        for index, attribute in enumerate(node.attribute):
            if node.op_type in ("Squeeze", "Unsqueeze") and attribute.name == "axes":
                node.input.append(
                    _initializer(graph, f"{node.output[0]}/axes", np.array(attribute.ints, np.int64))
                )
                del node.attribute[index]
                break


def _constants(graph: Any) -> dict[str, np.ndarray]:
    """The float tensors of Constant nodes and initializers, by name."""
    tensors = {tensor.name: tensor for tensor in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
            tensors[node.output[0]] = node.attribute[0].t
    return {
        name: np.frombuffer(tensor.raw_data, "<f4").reshape(tuple(tensor.dims))
        for name, tensor in tensors.items()
        if tensor.data_type == _FLOAT and tensor.raw_data
    }


def _readers(graph: Any) -> dict[str, list[Any]]:
    readers: dict[str, list[Any]] = {output.name: [None] for output in graph.output}  # read from outside
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    return readers


def _chain(node: Any, op_types: tuple[str, ...], readers: dict[str, list[Any]]) -> list[Any]:
    """The nodes after this one, of these types, each the only reader of the one before (or none)."""
    chain = []
    for op_type in op_types:
        found = readers.get(node.output[0], [])
        if len(found) != 1 or found[0] is None or found[0].op_type != op_type:
            return []
        node = found[0]
        chain.append(node)
    return chain


def _scalar(name: str, constants: dict[str, np.ndarray]) -> float | None:
    value = constants.get(name)
    return float(value.reshape(())) if value is not None and value.size == 1 else None


def _other_scalar(node: Any, constants: dict[str, np.ndarray]) -> float | None:
    """The constant one of a binary node's two inputs, when the other is not."""
    first, second = (_scalar(name, constants) for name in node.input)
    return second if first is None else first if second is None else None


def _initializer(graph: Any, name: str, value: np.ndarray) -> str:
    whole = value.dtype == np.int64
    tensor = graph.initializer.add(name=name, data_type=_INT64 if whole else _FLOAT)
    tensor.dims.extend(value.shape)
    tensor.raw_data = value.astype("<i8" if whole else "<f4").tobytes()
    return name


def _drop(graph: Any, names: set[str]) -> None:
    """The nodes of these names taken out, and the constants no node reads any longer."""
    read = {name for node in graph.node if node.name not in names for name in node.input}
    for index in reversed(range(len(graph.initializer))):
        if graph.initializer[index].name not in read:
            del graph.initializer[index]
    kept = [
        node
        for node in graph.node
        if (node.output[0] in read if node.op_type == "Constant" else node.name not in names)
    ]
    copies = [type(node)() for node in kept]
    for copy, node in zip(copies, kept, strict=True):
        copy.CopyFrom(node)
    del graph.node[:]
    graph.node.extend(copies)
