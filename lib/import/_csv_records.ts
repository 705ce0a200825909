// Streaming RFC 4180 records: quoted fields (with "" escapes and line breaks inside quotes),
// CRLF or LF, a leading BOM, any one-character delimiter. The file is read in chunks, so its
// size does not matter; the bytes are hashed on the way.
import { createHash } from "node:crypto";
import { FlowTimeError, fsError } from "../base/errors.ts";

/** One record and the line it starts on. */
export interface CsvRecord {
  /** The fields, unquoted. */
  fields: string[];
  /** 1-based line of the record's start. */
  line: number;
}

/** A file being read record by record. */
export interface CsvReading {
  /** The records, in file order (blank lines skipped). */
  records: AsyncGenerator<CsvRecord>;
  /** `sha256:` of the file's bytes; complete once `records` is exhausted. */
  hash(): string;
}

/**
 * Read a CSV file record by record.
 * @param path the file
 * @param delimiter field separator (one character)
 * @returns the records and the file hash
 */
export function readCsvRecords(path: string, delimiter: string): CsvReading {
  const hasher = createHash("sha256");
  let digest: string | undefined;
  async function* records(): AsyncGenerator<CsvRecord> {
    let file: Deno.FsFile;
    try {
      // A named pipe or a device is refused, never opened (opening a pipe waits for a writer).
      if (!(await Deno.stat(path)).isFile) {
        throw new FlowTimeError("import_invalid", `${path} is not a regular file; it is not read`);
      }
      file = await Deno.open(path, { read: true });
    } catch (err) {
      throw fsError(err, "reading", path);
    }
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let fields: string[] = [];
    let field = "";
    let quoted = false; // inside quotes
    let wasQuoted = false; // the current field was quoted
    let afterQuote = false; // just read a quote inside a quoted field
    let line = 1;
    let recordLine = 1;
    let first = true;
    const endField = () => {
      fields.push(wasQuoted ? field : field.trim());
      field = "";
      wasQuoted = false;
    };
    try {
      for await (const chunk of file.readable) {
        hasher.update(chunk);
        let text: string;
        try {
          text = decoder.decode(chunk, { stream: true });
        } catch {
          throw new FlowTimeError("import_invalid", "the file is not UTF-8 text", {
            file: path,
            line,
          });
        }
        if (first) {
          text = text.replace(/^\uFEFF/, "");
          first = false;
        }
        for (let i = 0; i < text.length; i++) {
          const c = text[i];
          if (quoted) {
            if (afterQuote) {
              afterQuote = false;
              if (c === '"') {
                field += '"';
                continue;
              }
              quoted = false; // the quote closed the field; fall through to handle c
            } else if (c === '"') {
              afterQuote = true;
              continue;
            } else {
              if (c === "\n") line++;
              field += c;
              continue;
            }
          }
          if (c === delimiter) endField();
          else if (c === "\n") {
            endField();
            if (!(fields.length === 1 && fields[0] === "")) {
              yield { fields, line: recordLine };
            }
            fields = [];
            line++;
            recordLine = line;
          } else if (c === "\r") {
            // CRLF: the LF ends the record
          } else if (c === '"' && field.trim() === "" && !wasQuoted) {
            quoted = true;
            wasQuoted = true;
            field = "";
          } else if (wasQuoted) {
            if (c !== " " && c !== "\t") {
              throw new FlowTimeError(
                "import_invalid",
                `text after a closing quote; quote the whole field`,
                { file: path, line },
              );
            }
          } else field += c;
        }
      }
    } finally {
      // the readable closes the file when it is read to its end; not when we stop early
      try {
        file.close();
      } catch {
        // already closed
      }
    }
    if (quoted && !afterQuote) {
      throw new FlowTimeError("import_invalid", "a quoted field is never closed", {
        file: path,
        line: recordLine,
      });
    }
    if (field !== "" || wasQuoted || fields.length > 0) {
      endField();
      yield { fields, line: recordLine };
    }
    digest = `sha256:${hasher.digest("hex")}`;
  }
  return {
    records: records(),
    hash() {
      if (digest === undefined) throw new Error("the file has not been read to its end");
      return digest;
    },
  };
}
