// A placeholder page (the bench waits for any answer from / before measuring).
export default function Page() {
  return <p>bench app</p>;
}
