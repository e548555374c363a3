import sys
from graphql import parse
from gateway import Supergraph
from gateway.planner import build_plan, print_plan
from gateway.planner.check import plan_problems

for path in ["/tmp/ours_shapes.graphql", "/tmp/apollo_shapes.graphql"]:
    sg = Supergraph(open(path).read())
    for q in sys.argv[1:]:
        try:
            p = build_plan(sg, parse(q))
            print(path, q)
            print(print_plan(p))
            print(plan_problems(sg, p))
        except Exception as e:
            import traceback

            traceback.print_exc()
