// The book file template: every column, two example installments of one policy.
import { templateCsv } from '@/lib/book/columns';

export function GET() {
  return new Response(templateCsv(), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="malipo-book-template.csv"' },
  });
}
