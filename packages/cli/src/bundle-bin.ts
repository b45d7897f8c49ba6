#!/usr/bin/env node
// The `hal9000` bin of the parent image: the whole CLI and its dependencies in one file
// (dist/bundle/hal9000.cjs), run by the parent's Node 18 with nothing installed beside it.
import { main } from "./main.js";

void main();
