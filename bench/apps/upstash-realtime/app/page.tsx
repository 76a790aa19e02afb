export default function Page() {
  return <p>minimal</p>;
}
