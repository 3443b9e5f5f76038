/**
 * Editing an existing tenant file in place with the yaml Document API, so every comment and every
 * other line survive, and checking the result against the schema (the schema stays the judge).
 */
import { parseDocument, type Document } from 'yaml';
import { validateTenantDocument } from '../../config/loader';

/** Applies `edit` to the parsed document and returns the new text. */
export function editTenantText(text: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the file is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  edit(doc);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Schema problems of an edited tenant file, as `field: message` lines. */
export function tenantTextProblems(text: string, file: string): string[] {
  const raw = parseDocument(text).toJS() as unknown;
  return validateTenantDocument(raw, file).problems.map((p) => `${p.field}: ${p.message}`);
}
