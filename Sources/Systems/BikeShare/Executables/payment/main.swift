import BikeShare
import Chassis

Service.main(PaymentContext.self)
